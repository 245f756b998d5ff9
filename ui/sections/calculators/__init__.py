"""The Calculateurs section."""
