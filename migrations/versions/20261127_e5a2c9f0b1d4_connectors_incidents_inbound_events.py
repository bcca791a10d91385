"""connector settings, incidents and inbound webhook events

Revision ID: e5a2c9f0b1d4
Revises: d0c5a7e31f42
Create Date: 2026-11-27 22:00:00
"""

from alembic import op
import sqlalchemy as sa
import engine.db


revision = "e5a2c9f0b1d4"
down_revision = "d0c5a7e31f42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connector_config",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("base_url", sa.String(length=500), nullable=False),
        sa.Column("auth_type", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=True),
        sa.Column("webhook_secret_encrypted", sa.Text(), nullable=True),
        sa.Column("timeout_seconds", sa.Float(), nullable=False),
        sa.Column("test_path", sa.String(length=200), nullable=False),
        sa.Column("field_mappings", sa.JSON(), nullable=False),
        sa.Column("updated_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_connector_config")),
        sa.UniqueConstraint("name", name=op.f("uq_connector_config_name")),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("resolved_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instance.id"],
            name=op.f("fk_incident_instance_id_process_instance"),
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"], ["outbox_message.id"],
            name=op.f("fk_incident_outbox_message_id_outbox_message"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_status_created", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_incident_instance_id"), ["instance_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_incident_outbox_message_id"), ["outbox_message_id"], unique=False
        )
    op.create_table(
        "inbound_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connector", sa.String(length=40), nullable=False),
        sa.Column("delivery_id", sa.String(length=120), nullable=False),
        sa.Column("event_type", sa.String(length=120), nullable=True),
        sa.Column("business_key", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("received_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("expires_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("delivered_at", engine.db.UTCDateTime(), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instance.id"],
            name=op.f("fk_inbound_event_instance_id_process_instance"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_event")),
        sa.UniqueConstraint("connector", "delivery_id", name=op.f("uq_inbound_event_connector")),
    )
    with op.batch_alter_table("inbound_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inbound_event_status_key", ["status", "business_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbound_event_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("inbound_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_event_received_at"))
        batch_op.drop_index("ix_inbound_event_status_key")
    op.drop_table("inbound_event")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_outbox_message_id"))
        batch_op.drop_index(batch_op.f("ix_incident_instance_id"))
        batch_op.drop_index("ix_incident_status_created")
    op.drop_table("incident")
    op.drop_table("connector_config")
