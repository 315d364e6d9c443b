"""Every person the resources of one run declare, per group: one person, one spelling.

Two resources (or one list) that name one person two ways, say ``Carol.Officer`` and
``carol.officer``, or an id and that person's address, would each believe it manages them,
and deleting either would take the person out while the other still declares them. The
provider process sees every resource's ``check``, so the second spelling fails ``preview``.
"""

from __future__ import annotations

import threading

from ..cache import shared
from ..errors import ProviderError
from ..fields import fold


class Declarations:
    """The values each holder (a list, or one additive resource) declares for each group in this run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, dict[str, str]] = {}  # group -> {value: holder}
        self._new: dict[str, set[str]] = {}  # group -> the values this run adds to it (only those are looked up)

    def declare(self, group: str, values: list[str], holder: str) -> None:
        """Records ``values``; a value that folds together with another holder's different value fails."""
        with self._lock:
            known = self._values.setdefault(group, {})
            by_fold = {fold(v): v for v in known}
            for value in values:
                other = by_fold.get(fold(value))
                if other is not None and other != value:
                    raise ProviderError(
                        f"{value!r} and {other!r} ({known[other]}) may be one person in {group} (they differ only in "
                        "case or in lookalike characters); declare each person once, spelled as the API has them")
                known.setdefault(value, holder)

    def others(self, group: str, holder: str) -> dict[str, str]:
        """The values other holders declare for ``group``: ``{value: holder}``."""
        with self._lock:
            return {v: h for v, h in self._values.get(group, {}).items() if h != holder}

    def mark_new(self, group: str, values: list[str]) -> None:
        """Records the values a resource adds to ``group`` in this run (not in its applied inputs)."""
        with self._lock:
            self._new.setdefault(group, set()).update(values)

    def new(self, group: str) -> list[str]:
        """Every value some resource adds to ``group`` in this run, so far."""
        with self._lock:
            return sorted(self._new.get(group, ()))


def declarations(scope: tuple[str, ...]) -> Declarations:
    """The run's declarations in one tenant."""
    return shared(("declarations", *scope), Declarations)
