"""The contract's documents beside a task (read through the documents service)."""

from __future__ import annotations

from contracts.core.models import Contract
from contracts.documents import service as documents
from contracts.documents.models import Document
from contracts.identity.actor import Actor
from engine.errors import NotFoundError
from webui.extensions import db


def documents_of(contract: Contract | None, actor: Actor) -> list[Document]:
    """The contract's documents the actor may see (none when the contract is hidden)."""
    if contract is None:
        return []
    try:
        return documents.list_documents(db.session, contract.id, actor)
    except NotFoundError:
        return []
