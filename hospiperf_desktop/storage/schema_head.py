"""The schema revision this version of the application writes (its latest migration).

Apart from `migrations/`, so that reading it never imports SQLAlchemy (see
`establishments/peek.py`); a test checks it is the head of the migration scripts."""

SCHEMA_HEAD = "0010"
