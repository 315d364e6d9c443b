"""Field rules both resources share, for their pydantic input models."""

from __future__ import annotations

from typing import Annotated, Optional

from pydantic import AfterValidator, StringConstraints

NAME_MAX = 255
DESCRIPTION_MAX = 4000


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


def unique(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is not None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise ValueError(f"lists {value!r} more than once")
            seen.add(value)
    return values


Name = Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(not_blank)]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX)]
Namespace = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
