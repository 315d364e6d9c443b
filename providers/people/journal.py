"""People writes that did not finish: the group whose last write failed part-way or had no answer.

A write that failed may still be committed by the server later (a slow commit past the read
timeout), and a delete that failed part-way has removed some people while the state still lists
them; a process killed mid-write leaves no word at all. Either way the stored state no longer says
who is in the group. The group is recorded in the project's journal (``providers.pending``) before
its writes begin, and kept with the time they began when they do not all succeed; every later run
until ``<ns>:pendingWindow`` seconds have passed since then plans from the group's live people,
not from the state, and the first run after that settles it. So nobody stays removed, or comes
back, behind a plan that says "no changes". A write the API refused outright (a 4xx, a refused
redirect) cannot land later: one live plan, the next run's, is enough.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from .. import pending
from ..errors import ProviderError


class WriteJournal:
    """The unfinished people writes of one kind in one connection."""

    def __init__(self, scope: tuple[str, ...], window: float = pending.DEFAULT_WINDOW) -> None:
        self.scope, self.window = scope, window

    def unsettled(self, group_id: str) -> bool:
        """Whether the stored state of the group's people cannot be trusted (plan from the live people)."""
        return pending.attempted(self.scope, group_id) is not None

    @contextmanager
    def writing(self, group_id: str) -> Iterator[None]:
        """Records the group before the writes inside begin, so that a process killed mid-write (the engine
        gone, ``pulumi up`` killed) leaves the record behind; a failure keeps it, with the window running
        from now; success takes it back (an earlier run's record stays for its own window)."""
        started, earlier = time.time(), pending.attempted(self.scope, group_id)
        pending.record(self.scope, group_id, earlier or started)
        try:
            yield
        except Exception as exc:
            # Refused outright: nothing can land later, so the window is over as soon as a live plan ran.
            begun = started - self.window if isinstance(exc, ProviderError) and exc.definite else started
            pending.record(self.scope, group_id, min(begun, earlier or begun))
            raise
        if earlier is None:
            pending.settle(self.scope, group_id)
        else:
            self.settle(group_id)

    def forget(self, name: str) -> None:
        """Forgets the record at once: what it stood for is now held by a resource of the state."""
        pending.settle(self.scope, name)

    def settle(self, group_id: str) -> None:
        """Forgets the group once no write of the failed run can still land (the window has passed)."""
        attempted = pending.attempted(self.scope, group_id)
        if attempted is not None and time.time() - attempted >= self.window:
            pending.settle(self.scope, group_id)
