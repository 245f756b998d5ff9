"""The Stocks section: imports, indicators, reorder suggestions, products, shortages."""
