"""The ARS side: verify bundles and consolidate them into a regional database."""
