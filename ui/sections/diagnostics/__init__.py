"""The Diagnostics section: list, answering, results, action plan, comparisons."""
