"""The Alembic migration creates exactly the schema the models describe, on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

import contracts.all_models  # noqa: F401  (registers the tables, as migrations/env.py does)
import engine.models  # noqa: F401
from engine.db import Base
from webui.migrations import alembic_config

pytestmark = pytest.mark.integration


def test_migrated_database_is_at_head_and_matches_the_models(pg_url):
    # The session fixture migrated this database with `upgrade_database` (Alembic, to head).
    head = ScriptDirectory.from_config(alembic_config(pg_url)).get_current_head()
    engine = create_engine(pg_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == head
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == [], "\n".join(map(str, differences))
