"""The Exports / ARS section: signed bundles for the ARS, and the ARS's consolidation."""
