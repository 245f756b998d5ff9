"""Persistence: ORM models, the database handle, repositories and Alembic migrations."""
