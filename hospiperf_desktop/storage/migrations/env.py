"""Alembic environment: runs on the connection handed over by `upgrade_to_head()`.

Developers create a new revision with:
    alembic -c hospiperf_desktop/storage/migrations/alembic.ini revision --autogenerate -m "..."
then update SCHEMA_HEAD in `storage/schema_head.py`.
"""

from alembic import context
from sqlalchemy import Connection, create_engine

from hospiperf_desktop.storage.models import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///dev.sqlite")
    with engine.begin() as conn:
        _run(conn)
