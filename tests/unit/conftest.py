"""Unit-test fixtures: retries and recovery polls do not really wait."""

from __future__ import annotations

import types

import pytest
import responses
import tenacity


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retries and recovery polls do not really wait; the waits are recorded.

    tenacity's clock moves by each recorded wait, so its time-based stop conditions see the
    time a real run would have spent.
    """
    waits: list[float] = []
    clock = [1_000.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr("providers.http.time.sleep", sleep)
    monkeypatch.setattr("providers.http.monotonic", lambda: clock[0])  # a 429's pause ends on the same clock
    monkeypatch.setattr("providers.creation.time.sleep", sleep)
    monkeypatch.setattr("tenacity.nap.time.sleep", sleep)
    monkeypatch.setattr("providers.people.arrivals.APPEAR_WITHIN", 0.2)  # a refused removal waits briefly
    monkeypatch.setattr(tenacity, "time", types.SimpleNamespace(monotonic=lambda: clock[0], sleep=sleep))
    return waits


@pytest.fixture
def rsps():
    """The ``responses`` mock a unit test registers its fake endpoints on; unused ones are no failure."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as r:
        yield r


@pytest.fixture(autouse=True)
def pending_journal(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """The journal of unanswered creates lives in the test's folder, never in the checkout."""
    path = tmp_path / "pending-creates.json"
    monkeypatch.setenv("USERGROUPS_PENDING_FILE", str(path))
    return path


UNIT_TIMEOUT = 30  # seconds: a unit test never waits for a network or a clock


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Unit tests get a tighter limit than the project-wide one (a broken pager fails fast)."""
    for item in items:
        if "tests/unit/" in str(item.path).replace("\\", "/") and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(UNIT_TIMEOUT))
