"""Stock and supply: imports from pharmacy software, products, indicators, reorder, shortages."""
