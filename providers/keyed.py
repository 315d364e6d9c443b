"""How a whole list of people is stored: a map from each declared spelling to ``true``.

The engine renders a dynamic resource's planned change from its stored inputs, and a refresh from its
stored outputs, in their own shape (the dynamic provider's ``DiffResult`` carries no detailed diff): a
list renders by position, so taking the first of 200 names out prints 199 rewrites and one removal of
the last name, while a map renders by key, one ``+ name`` or ``- name`` per person who joins or leaves,
whatever the order. Programs still pass a list; the provider stores the map.

States written before 0.3.0 hold lists: every reader takes both shapes (:func:`listed`), and a refresh
keeps a stored list a list, so that upgrading shows no change (``docs/compatibility.md``).
"""

from __future__ import annotations

from typing import Any

PRESENT = True  # the value of every key: the map is a set


def keyed(value: Any) -> Any:
    """``{name: true, ...}`` for a known list of names; anything else (unknown, absent, a map) as it is."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return {v: PRESENT for v in value}
    return value


def listed(value: Any) -> Any:
    """The names of a stored map (sorted, as the engine stores maps); anything else as it is. A map whose
    values are not all ``true`` is not one of ours and is left for validation to refuse."""
    if isinstance(value, dict) and all(v is PRESENT for v in value.values()):
        return sorted(value)
    return value


def load(props: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``props`` as the code reads them: each of ``fields`` stored as a map back to its list of names."""
    return {**props, **{f: listed(props[f]) for f in fields if f in props}}


def store(props: dict[str, Any], fields: tuple[str, ...], like: dict[str, Any] | None = None) -> dict[str, Any]:
    """``props`` as the state stores them: each of ``fields`` as a map keyed by name, except where ``like``
    (what was stored before) still holds the list."""
    kept = {f for f in fields if like is not None and isinstance(like.get(f), list)}
    return {**props, **{f: keyed(props[f]) for f in fields if f in props and f not in kept}}
