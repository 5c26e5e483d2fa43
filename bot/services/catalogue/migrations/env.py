"""Alembic environment for the catalogue (bot/services/catalogue/migrations)."""
from __future__ import annotations

from alembic import context

from bot.services.catalogue.db import VERSION_TABLE, create_catalogue_engine
from bot.services.catalogue.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from bot.core.config import database_url

        url = database_url()
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      version_table=VERSION_TABLE, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          version_table=VERSION_TABLE, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_catalogue_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          version_table=VERSION_TABLE, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
