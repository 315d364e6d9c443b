"""Unit-test fixtures: retries and recovery polls do not really wait."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries and recovery polls do not really wait; the waits are recorded."""
    waits: list[float] = []
    monkeypatch.setattr("providers.http.time.sleep", waits.append)
    monkeypatch.setattr("providers.lifecycle.time.sleep", waits.append)
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    return waits
