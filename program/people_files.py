"""People named in a file beside the stack: ``members: {file: people/emea.txt}``.

A list of thousands of people does not belong inline in stack config: the engine hands the
whole config to the program in one environment value, which Linux caps at 128 KiB, and a
reviewer reads a change to a long inline list badly. So wherever an entry takes a list of
people (``members``, ``assignees``, ``users``, and the list inside ``{add: ...}``), it may name a
file instead, resolved relative to the project folder and kept inside it:

- a text file: one person per line; blank lines and ``#`` comments (a whole line, or after a
  space) are skipped;
- a ``.csv`` file with a header row: ``column`` names the column (default: the first).

The file is read when the program loads its stack config, before any resource is registered,
so every check of an inline list (spelling, duplicates, unknown people at ``preview``) applies
to it unchanged; an unreadable or empty file fails naming the entry's field and the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, ValidationError

from providers.errors import field_message

PEOPLE_FIELDS = ("members", "assignees", "users")
LIST_PARTS = ("add", "include", "exclude")  # the lists inside a people field's mapping forms


class PeopleFile(BaseModel):
    """``{file: path}`` or ``{file: path.csv, column: email}``: the people of a list, from a file."""

    model_config = ConfigDict(strict=True, extra="forbid")
    file: str
    column: Optional[str] = None


class PeopleFileError(ValueError):
    """A people file that cannot be read as a list; the message names the file and what to do."""


def expand(item: Any, root: Path) -> tuple[Any, list[str]]:
    """The entry with every people file replaced by the list it holds, and the problems (``field: text``)."""
    if not isinstance(item, dict):
        return item, []
    out, problems = dict(item), []
    for field in PEOPLE_FIELDS:
        value = item.get(field)
        try:
            if isinstance(value, dict) and _is_file(value):
                out[field] = read(value, root)
            elif isinstance(value, dict):
                out[field] = {**value, **{part: read(value[part], root) for part in LIST_PARTS
                                          if _is_file(value.get(part))}}
        except PeopleFileError as exc:
            where = field if _is_file(value) else \
                f"{field}.{next(p for p in LIST_PARTS if _is_file(value.get(p)))}"
            problems.append(f"{where}: {exc}")
    return out, problems


def _is_file(value: Any) -> bool:
    return isinstance(value, dict) and "file" in value


def read(value: dict[str, Any], root: Path) -> list[str]:
    """The people a ``{file: ...}`` value names, in file order."""
    try:
        spec = PeopleFile.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PeopleFileError(f"{'.'.join(str(p) for p in first['loc'])}: {field_message(first)}") from None
    path = _inside(root, spec.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PeopleFileError(f"file {spec.file} not found (paths are relative to the project folder)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PeopleFileError(f"file {spec.file} cannot be read as UTF-8 text ({type(exc).__name__})") from None
    people = _csv(text, spec) if path.suffix.lower() == ".csv" else _lines(text)
    if spec.column is not None and path.suffix.lower() != ".csv":
        raise PeopleFileError(f"file {spec.file}: column applies to .csv files only")
    if not people:
        raise PeopleFileError(f"file {spec.file} names nobody; to manage an empty list, write [] with maxRemovals")
    return people


def _inside(root: Path, name: str) -> Path:
    base = root.resolve()
    path = (base / name).resolve()
    if Path(name).is_absolute() or base not in (path, *path.parents):
        raise PeopleFileError(f"file {name} is outside the project folder; keep people files beside the stack")
    return path


def _lines(text: str) -> list[str]:
    people = []
    for line in text.splitlines():
        value = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if value and not value.startswith("#"):
            people.append(value)
    return people


def _csv(text: str, spec: PeopleFile) -> list[str]:
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if not header:
        raise PeopleFileError(f"file {spec.file} has no header row")
    names = [h.strip() for h in header]
    if spec.column is None:
        index = 0
    elif spec.column in names:
        index = names.index(spec.column)
    else:
        raise PeopleFileError(f"file {spec.file} has no column {spec.column!r} (its columns: {', '.join(names)})")
    return [row[index].strip() for row in rows if len(row) > index and row[index].strip()]
