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


@pytest.fixture(autouse=True)
def pending_journal(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The journal of unanswered creates lives in the test's folder, never in the checkout."""
    path = tmp_path / "pending-creates.json"
    monkeypatch.setenv("USERGROUPS_PENDING_FILE", str(path))
    return path
