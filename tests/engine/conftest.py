"""Engine tests: a bare SQLAlchemy session on a SQLite file, no Flask."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import contracts.all_models  # noqa: F401  (same metadata as production)
import engine.models  # noqa: F401
from engine.db import Base
from engine.environment import EngineEnvironment
from engine.operators import OperatorRegistry

BPMN_DIR = Path(__file__).parent / "bpmn"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'engine.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    engine = create_engine(db_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture
def recorded() -> list[dict]:
    return []


@pytest.fixture
def operators(recorded: list[dict]) -> OperatorRegistry:
    registry = OperatorRegistry()

    def record(ctx, params):
        recorded.append(params)
        ctx.record_event("recorded", details=params)
        return {"ok": True, "what": params["what"]}

    registry.register("test/Record", record)
    return registry


@pytest.fixture
def env(operators: OperatorRegistry) -> EngineEnvironment:
    """An engine environment with the recording operator, as an app would wire one."""
    return EngineEnvironment(operators=operators)


def review_bundle() -> dict[str, str]:
    return {"review.bpmn": (BPMN_DIR / "review.bpmn").read_text()}
