"""The stand-in remote system of tests/connectors, for the admin pages too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.connectors.remote import RemoteSystem


@pytest.fixture
def remote() -> Iterator[RemoteSystem]:
    system = RemoteSystem().start()
    yield system
    system.stop()
