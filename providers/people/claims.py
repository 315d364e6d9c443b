"""Which people resource holds which person of a group in this run.

A group's people can be declared two ways: a whole list (authoritative) or one resource per
person (additive). Claims keep the two from undoing each other within a run.
"""

from __future__ import annotations

import threading
from typing import Iterable

from ..cache import shared
from ..errors import ProviderError
from ..notices import warn
from .adapter import PeopleAdapter

LIST, ADD = "list", "add"


class Claims:
    """Which people resource holds which (group, person) in this run (one provider process).

    Turning a group's list into additions (or back) makes the engine create the new resources
    and then delete the old ones; without this, that delete would remove the very people the
    new resources just took over.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], str] = {}
        self._forms: dict[str, set[str]] = {}

    def enter(self, group_id: str, form: str, conflict: str) -> None:
        """Records that a resource of ``form`` (``LIST`` or ``ADD``) writes the group's people in this run.

        A whole list and additive people on one group would undo each other at every ``up``
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


def claims(adapter: PeopleAdapter) -> Claims:
    """The run's claims of one kind of people (a group's members, its assignees) in one tenant: a member list
    and an additive assignee of one group hold different things, and never take one over from the other."""
    return shared(("claims", *adapter.scope, adapter.noun), Claims)


def enter_form(adapter: PeopleAdapter, group_id: str, form: str, conflict: str) -> None:
    """Records that a resource of ``form`` holds the group's people in this run, where the adapter's kind
    has both forms (a list and additive people); the second form on one group fails with ``conflict``."""
    if adapter.has_list_form:
        claims(adapter).enter(group_id, form, conflict)


def leave_claimed(adapter: PeopleAdapter, group_id: str, people: set[str], holder: str) -> set[str]:
    """``people`` less those another resource of the stack took over in this run (with a warning)."""
    taken = claims(adapter).others(group_id, people, holder)
    if taken:
        warn(f"not removing {', '.join(sorted(taken))} from {group_id}: another resource of this stack took "
             "them over in this run")
    return people - taken
