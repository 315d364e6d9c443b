"""What every error line a user sees must be: one line, short, in words (no reprs, no doubled words)."""

from __future__ import annotations

import re

LIMIT = 300  # characters: a line a reviewer reads whole in a terminal or a CI log
REPR = re.compile(r"\('|'\)|\['|'\]|\{'|<[a-z_.]+ object at 0x|Traceback|\bNone\b")
DOUBLED = re.compile(r"\b([A-Za-z]{3,})\s+\1\b", re.IGNORECASE)


def problems(message: str, limit: int = LIMIT) -> list[str]:
    """Why ``message`` is not one readable line; empty when it is."""
    found = []
    if "\n" in message.strip():
        found.append("more than one line")
    if len(message) > limit:
        found.append(f"{len(message)} characters (at most {limit})")
    for bad in REPR.findall(message):
        found.append(f"a Python repr ({bad!r})")
    for word in DOUBLED.findall(message):
        found.append(f"a doubled word ({word} {word})")
    return found
