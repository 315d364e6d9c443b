"""People this run is adding to some group, so that a removal elsewhere can wait for the add.

SoftwareOne keeps every account user in at least one group: moving a user whose only group is A
to group B in one ``up`` fails if the engine happens to run A's removal before B's addition (the
two resources are independent, so it may). Every people resource's ``check`` says whom it is about
to add; a removal the API refuses for that reason waits for the same run's add of that person, then
is sent again, whatever the order the engine runs the steps in.
"""

from __future__ import annotations

import threading
import time

from ..cache import shared
from .adapter import PersonId

APPEAR_WITHIN = 5.0  # seconds a refused removal waits for another resource of the run to announce an add
ADD_WITHIN = 120.0  # seconds it waits for that add to be done


class Arrivals:
    """Whom this run adds (announced at ``check``), and which of those adds are done."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._coming: dict[PersonId, set[str]] = {}  # person -> groups they are being added to
        self._done: dict[PersonId, set[str]] = {}  # person -> groups they were added to

    def announce(self, person: PersonId, group_id: str) -> None:
        with self._cond:
            self._coming.setdefault(person, set()).add(group_id)
            self._cond.notify_all()

    def arrived(self, person: PersonId, group_id: str) -> None:
        with self._cond:
            self._done.setdefault(person, set()).add(group_id)
            self._cond.notify_all()

    def wait_elsewhere(self, person: PersonId, leaving: str) -> bool:
        """Waits until the person has been added to a group other than ``leaving`` in this run; False when no
        such add is announced within ``APPEAR_WITHIN`` or done within ``ADD_WITHIN``."""
        start = time.monotonic()
        with self._cond:
            while True:
                if self._done.get(person, set()) - {leaving}:
                    return True
                others = self._coming.get(person, set()) - {leaving}
                limit = ADD_WITHIN if others else APPEAR_WITHIN
                left = limit - (time.monotonic() - start)
                if left <= 0:
                    return False
                self._cond.wait(timeout=left)


def arrivals(scope: tuple[str, ...]) -> Arrivals:
    """The run's arrivals in one tenant."""
    return shared(("arrivals", *scope), Arrivals)
