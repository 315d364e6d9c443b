"""People writes run ``writers`` at a time: the connection's setting, not a constant."""

from __future__ import annotations

import threading

from providers.people.writes import write_each


def test_write_each_runs_exactly_the_writers_it_is_given_at_once():
    for writers in (1, 3, 8):
        running, peak, lock = [0], [0], threading.Lock()

        def call(_person):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            threading.Event().wait(0.02)  # time.sleep is stubbed in unit tests
            with lock:
                running[0] -= 1

        write_each("adding user", "G-1", [f"USR-{i}" for i in range(24)], call, writers=writers)
        assert peak[0] == writers
