"""documents, document versions and draft bodies

Revision ID: d0c5a7e31f42
Revises: c4f1a9e2d7b3
Create Date: 2026-11-27 21:40:00
"""

from alembic import op
import sqlalchemy as sa
import engine.db


revision = "d0c5a7e31f42"
down_revision = "c4f1a9e2d7b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("latest_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"],
            name=op.f("fk_document_contract_id_contract"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    op.create_index(op.f("ix_document_contract_id"), "document", ["contract_id"], unique=False)
    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("wrapped_key", sa.String(length=200), nullable=False),
        sa.Column("extracted_text", sa.Text(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"],
            name=op.f("fk_document_version_created_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"],
            name=op.f("fk_document_version_document_id_document"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_document_version_document_id")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_document_version_storage_key")),
    )
    op.create_index(
        op.f("ix_document_version_created_by_id"), "document_version", ["created_by_id"]
    )
    op.create_index(op.f("ix_document_version_sha256"), "document_version", ["sha256"])
    op.create_table(
        "draft_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"],
            name=op.f("fk_draft_body_contract_id_contract"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["user_account.id"],
            name=op.f("fk_draft_body_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_body")),
        sa.UniqueConstraint("contract_id", name=op.f("uq_draft_body_contract_id")),
    )
    op.create_index(op.f("ix_draft_body_updated_by_id"), "draft_body", ["updated_by_id"])
    op.create_table(
        "draft_body_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", engine.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contract.id"],
            name=op.f("fk_draft_body_revision_contract_id_contract"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"],
            name=op.f("fk_draft_body_revision_created_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_body_revision")),
        sa.UniqueConstraint(
            "contract_id", "version", name=op.f("uq_draft_body_revision_contract_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("draft_body_revision")
    op.drop_index(op.f("ix_draft_body_updated_by_id"), table_name="draft_body")
    op.drop_table("draft_body")
    op.drop_index(op.f("ix_document_version_sha256"), table_name="document_version")
    op.drop_index(op.f("ix_document_version_created_by_id"), table_name="document_version")
    op.drop_table("document_version")
    op.drop_index(op.f("ix_document_contract_id"), table_name="document")
    op.drop_table("document")
