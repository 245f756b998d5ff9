"""The Activité et UO section: activity values by year and month, work units, local tables."""
