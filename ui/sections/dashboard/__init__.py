"""The Tableau de bord section: each indicator of the year against year N-1, by family."""
