"""What every membership resource shares, whatever the API: one run's claims, and parallel writes.

A group's people can be declared two ways: a whole list (authoritative) or one resource per
person (additive). The pieces here keep the two from undoing each other within a run, and
write many members at once without one request waiting for the other.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable

from pulumi.dynamic import CheckFailure

from .cache import shared
from .errors import ApiError, ProviderError
from .lifecycle import warn

WRITERS = 8  # parallel membership writes: these APIs take one call per person and group


class Claims:
    """Which membership resource holds which (group, person) in this run (one provider process).

    Turning a group's list into additions (or back) makes the engine create the new resources
    and then delete the old ones; without this, that delete would remove the very people the
    new resources just took over.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], str] = {}
        self._forms: dict[str, set[str]] = {}

    def enter(self, group_id: str, form: str, conflict: str) -> None:
        """Records that a resource of ``form`` ("list" or "add") writes the group's people in this run.

        A whole list and additive members on one group would undo each other at every ``up``
        (the list removes the added person, the additive resource adds them back), so the second
        form fails with ``conflict``.
        """
        with self._lock:
            forms = self._forms.setdefault(group_id, set())
            forms.add(form)
            both = len(forms) > 1
        if both:
            raise ProviderError(f"{group_id} has {conflict}")

    def claim(self, group_id: str, people: Iterable[str], holder: str) -> None:
        with self._lock:
            for person in people:
                self._held[(group_id, person)] = holder

    def others(self, group_id: str, people: Iterable[str], holder: str) -> set[str]:
        """Those of ``people`` a resource other than ``holder`` took over in this run."""
        with self._lock:
            return {p for p in people if self._held.get((group_id, p), holder) != holder}


def claims(scope: tuple[str, ...]) -> Claims:
    """The run's claims for one tenant (``scope``: the API and the connection)."""
    return shared(("claims", *scope), Claims)


def leave_claimed(scope: tuple[str, ...], group_id: str, people: set[str], holder: str) -> set[str]:
    """``people`` less those another resource of the stack took over in this run (with a warning)."""
    taken = claims(scope).others(group_id, people, holder)
    if taken:
        warn(f"not removing {', '.join(sorted(taken))} from {group_id}: another resource of this stack took "
             "them over in this run")
    return people - taken


def write_each(what: str, group_id: str, people: Iterable[str], call: Callable[[str], object],
               done_on: tuple[int, ...] = ()) -> None:
    """``call(person)`` for each person, ``WRITERS`` at a time; the first refusal is raised as one line
    naming the person and the group, with the API's own message and trace id. A status in ``done_on``
    (e.g. 404 when removing what is already gone) counts as done."""
    def one(person: str) -> None:
        try:
            call(person)
        except ApiError as exc:
            if exc.status in done_on:
                return
            raise ProviderError(f"{what} {person} {'to' if what.startswith('adding') else 'from'} group "
                                f"{group_id}: {exc}") from None

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for future in [pool.submit(one, p) for p in sorted(set(people))]:
            future.result()


def check_people(field: str, group: str, resolve: Callable[[], list[str]],
                 refusal: Callable[[str, list[str]], ProviderError]) -> list[CheckFailure]:
    """The preview-time check of a people field: ``resolve()`` answers who the API does not know, and each
    is refused naming ``field`` and ``group``. When the API cannot be asked, the check is left to the
    first write (with a warning), so that an offline preview still works."""
    try:
        missing = resolve()
    except ProviderError as exc:
        warn(f"could not check the {field} of {group} at preview ({exc}); they are checked when written")
        return []
    return [CheckFailure(field, f"{field}: {refusal(group, missing)}")] if missing else []
