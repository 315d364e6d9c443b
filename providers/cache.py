"""Process-wide cache of API clients: one per connection, shared by every resource and thread."""

from __future__ import annotations

import threading
from typing import Callable, Hashable, TypeVar, cast

T = TypeVar("T")

_lock = threading.Lock()
_items: dict[Hashable, object] = {}


def shared(key: Hashable, factory: Callable[[], T]) -> T:
    """The object cached under ``key``, built by ``factory`` on first use.

    Lives in the provider process only: nothing here is pickled into state.
    """
    with _lock:
        if key not in _items:
            _items[key] = factory()
        return cast(T, _items[key])


def clear() -> None:
    """Forget every client (tests)."""
    with _lock:
        _items.clear()
