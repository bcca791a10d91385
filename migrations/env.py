"""Alembic environment: one metadata (engine.db.Base) for every package's models."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

import connectors.models  # noqa: F401  (registers the tables)
import contracts.all_models  # noqa: F401
import engine.models  # noqa: F401
from engine.db import Base

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name)

target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table by copying it, dropping the old one and renaming
            # the copy. With foreign keys enforced (every connection of the app turns them
            # on) that DROP cascades into every child table: documents, tags, bodies… So
            # migrations run with them off (the PRAGMA is ignored inside a transaction, so
            # it is sent before one begins) and the result is checked before it commits.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            before = _broken_references(connection)
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = _broken_references(connection) - before
                if broken:
                    raise RuntimeError(f"a migration broke references: {sorted(broken)[:5]}")


def _broken_references(connection: Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
