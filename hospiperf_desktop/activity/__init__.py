"""Activity counts, work units (UO Pharma, UO Stérilisation) and the PUI steering dashboard."""
