"""Reads answered from a listing: a refresh of N groups costs about N / 100 requests, not N.

The engine reads each resource on its own, at most four at once, all in one provider process
per command. The first read of a tenant partition (a pod's groups of one type, an account's
groups) starts that partition's listing; each later read is answered from the pages fetched so
far, or fetches the next page. A read costs at most one page more than the reads asked so far
(so a stack of a few groups in a tenant of thousands never pays for the whole tenant): an id
the listing has not reached within that budget, or does not hold at its end, is read directly.
So a group the listing lacks is asked for by id before it is declared gone. A listing the API
refuses (4xx) leaves every read to ask directly; one that fails after the HTTP layer's retries
fails the read that met it, as a direct read would have.

A listing lives in one process (one engine command) and is dropped by any write of that process
to its partition, and after ``MAX_AGE`` seconds: it never answers a later run.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterator

from .cache import shared
from .errors import ApiError, ProviderError

if TYPE_CHECKING:
    from .fields import ResourceInputs
    from .lifecycle import Service

MAX_AGE = 300.0

Pages = Iterator[list[dict[str, Any]]]


class Listing:
    """One partition's objects by id, fetched a page at a time as reads need them."""

    def __init__(self, pages: Pages) -> None:
        self._pages = pages
        self._found: dict[str, dict[str, Any]] = {}
        self._asked = 0
        self._fetched = 0
        self._done = False
        self._lock = threading.Lock()
        self._counting = threading.Lock()
        self.started = time.monotonic()

    def find(self, id_: str) -> dict[str, Any] | None:
        """The object with this id as the listing shows it, or ``None``: not reached, or not listed."""
        with self._counting:  # counted before waiting: reads queued behind a page fetch extend its budget
            self._asked += 1
        with self._lock:
            while id_ not in self._found and not self._done and self._fetched < self._asked:
                self._fetched += 1
                try:
                    page = next(self._pages, None)
                except ApiError as exc:
                    if exc.status >= 500 or exc.status == 429:
                        self._done = True
                        raise  # what a direct read would meet too, after the same retries
                    page = None  # a listing refused (e.g. 403) stops answering: each read asks directly
                except ProviderError:
                    self._done = True
                    raise
                if page is None:
                    self._done = True
                    break
                self._found.update((o["id"], o) for o in page)
            return self._found.get(id_)


class Listings:
    """The listings of one provider class in this process, one per partition."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[Hashable, Listing] = {}

    def find(self, scope: Hashable, id_: str, pages: Callable[[], Pages]) -> dict[str, Any] | None:
        """``id_`` from ``scope``'s listing (started with ``pages`` on first use), or ``None``."""
        with self._lock:
            listing = self._items.get(scope)
            if listing is None or time.monotonic() - listing.started > MAX_AGE:
                listing = self._items[scope] = Listing(pages())
        return listing.find(id_)

    def forget(self, scope: Hashable) -> None:
        """Drops a partition's listing: this process wrote to it, so the listing no longer shows it."""
        with self._lock:
            self._items.pop(scope, None)


def listings(provider: type) -> Listings:
    """The process's listings of one provider class's objects."""
    return shared(("listings", provider.__name__), Listings)


def partition(service: "Service[Any]", inputs: "ResourceInputs") -> tuple[Any, ...] | None:
    """Which listing answers reads of this object, or ``None`` when that is not known (older state)."""
    scope = service.scope(inputs)
    return (inputs.connection, *scope) if all(scope) else None


def read_through(provider: type, service: "Service[Any]", id_: str, inputs: "ResourceInputs",
                 stored: dict[str, Any]) -> dict[str, Any] | None:
    """The object as its partition's listing shows it, else as the API answers for it alone (``None``: gone)."""
    pages = service.pages(inputs)
    where = partition(service, inputs)
    found = listings(provider).find(where, id_, lambda: pages) if pages is not None and where is not None else None
    return found if found is not None else service.get(id_, inputs, stored)


def wrote(provider: type, service: "Service[Any]", inputs: "ResourceInputs") -> None:
    """A write to the object's partition: its listing, if any, no longer shows it."""
    where = partition(service, inputs)
    if where is not None:
        listings(provider).forget(where)
