"""The Alembic migrations produce exactly the schema the models declare."""

from __future__ import annotations

import io

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from engine.db import Base


def test_migrated_database_matches_the_models(template_db):
    engine = create_engine(f"sqlite:///{template_db}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


CHILD_TABLES = ("document", "document_version", "contract_tag", "draft_body", "inbox_entry")


def test_a_round_trip_through_every_new_migration_loses_no_row(app, api):
    """Downgrade to the last release's schema and back: batch copies of a parent table
    must not cascade into its children (migrations run with foreign keys off)."""
    from alembic import command
    from sqlalchemy import text

    from webui.extensions import db
    from webui.migrations import alembic_config

    contract = api("alice").create_contract(amount="48000.00", tags=["fleet", "annual"])
    upload = api("alice").client.post(
        f"/api/v1/contracts/{contract['id']}/documents",
        data={"file": (io.BytesIO(b"Terms of the lease.\n"), "terms.txt")},
        headers=api("alice")._headers(),
    )
    assert upload.status_code == 201, upload.get_json()
    api("alice").submit(contract["id"])
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    def counts() -> dict[str, int]:
        engine = create_engine(url)
        with engine.connect() as connection:
            found = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in ("contract", *CHILD_TABLES)}  # fmt: skip
        engine.dispose()
        return found

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    before = counts()
    assert before["contract_tag"] >= 2 and before["inbox_entry"] > 0
    assert before["document"] >= 1 and before["document_version"] >= 1
    command.downgrade(alembic_config(url), "d9e3b7a5c2f1")
    command.upgrade(alembic_config(url), "head")
    assert counts() == before
