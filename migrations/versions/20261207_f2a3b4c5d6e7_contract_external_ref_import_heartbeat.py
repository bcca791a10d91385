"""contract.external_ref (an imported number lands there) and import_batch.heartbeat_at

Contract numbers are only ever assigned by the system now. Contracts imported
before keep the number they were given; their sheet's number (else its
external_ref) is copied into external_ref so both can be searched.

Revision ID: f2a3b4c5d6e7
Revises: b4c5d6e7f8a9
Create Date: 2026-12-07 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.db

revision = "f2a3b4c5d6e7"
down_revision = "b4c5d6e7f8a9"
branch_labels = None
depends_on = None

_contract = sa.table("contract", sa.column("id", sa.Integer), sa.column("external_ref", sa.String))
_import_row = sa.table(
    "import_row",
    sa.column("contract_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("data", sa.JSON),
)


def upgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.add_column(sa.Column("external_ref", sa.String(length=100), nullable=True))
        batch.create_index("ix_contract_external_ref", ["external_ref"])
    with op.batch_alter_table("import_batch") as batch:
        batch.add_column(sa.Column("heartbeat_at", engine.db.UTCDateTime(), nullable=True))
    connection = op.get_bind()
    imported = connection.execute(
        sa.select(_import_row.c.contract_id, _import_row.c.data).where(
            _import_row.c.status == "imported", _import_row.c.contract_id.is_not(None)
        )
    ).all()
    for contract_id, data in imported:
        data = data or {}
        ref = str(data.get("number") or data.get("external_ref") or "").strip()[:100]
        if ref:
            connection.execute(
                _contract.update().where(_contract.c.id == contract_id).values(external_ref=ref)
            )


def downgrade() -> None:
    with op.batch_alter_table("import_batch") as batch:
        batch.drop_column("heartbeat_at")
    with op.batch_alter_table("contract") as batch:
        batch.drop_index("ix_contract_external_ref")
        batch.drop_column("external_ref")
