"""Writing many people at once: one call per person and group, a few at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable

from ..errors import ApiError, ProviderError
from .adapter import PersonId

WRITERS = 8  # parallel people writes by default (a connection's ``writers``): one call per person and group


def write_each(what: str, group_id: str, people: Iterable[PersonId], call: Callable[[PersonId], object],
               done_on: tuple[int, ...] = (), hint: Callable[[ApiError], str] = lambda _exc: "",
               writers: int = WRITERS) -> None:
    """``call(person)`` for each person, ``writers`` at a time; the first refusal is raised as one line
    naming the person and the group, with the API's own message and trace id, and ``hint(refusal)``
    (the way out, where the adapter knows one). A status in ``done_on`` (e.g. 404 when removing what is
    already gone) counts as done."""
    def one(person: PersonId) -> None:
        try:
            call(person)
        except ApiError as exc:
            if exc.status in done_on:
                return
            fix = hint(exc)
            error = ProviderError(f"{what} {person} {'to' if what.startswith('adding') else 'from'} group "
                                  f"{group_id}: {exc}" + (f"; {fix}" if fix else ""))
            error.definite = exc.definite
            raise error from None

    with ThreadPoolExecutor(max_workers=writers) as pool:
        futures = [pool.submit(one, p) for p in sorted(set(people), key=str)]
    failures = [e for e in (f.exception() for f in futures) if e is not None]
    if failures:
        first = failures[0]
        # Outright refusals only when every failure was one: any unanswered write may still land.
        if isinstance(first, ProviderError):
            first.definite = all(isinstance(e, ProviderError) and e.definite for e in failures)
        raise first
