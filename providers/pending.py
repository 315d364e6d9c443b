"""A journal of creates whose outcome is unknown, so that the next run can finish them without a twin.

After a POST that may have been processed (timeout, dropped connection, 5xx) and a
lookup that found nothing, the provider does not post again: a slow server may still
commit the first one. It records here *what* it tried to create and *when* (the time
just before the POST left), and fails. The next run that finds exactly one group with
that name takes it over without ``adopt`` only when

- this journal holds an attempt for the same connection, scope and name,
- the group was created at or after that attempt (the API's creation timestamp, with
  ``CLOCK_SKEW`` of slack between this machine's clock and the server's), and
- every declared field already matches the group;

otherwise it asks for ``adopt`` as for any existing group. While no group has appeared,
no new create is sent for ``<ns>:pendingWindow`` seconds after the attempt (default
120): a run straight after the failure cannot race the slow commit into a twin. The journal lives in the
project folder (``.usergroups/pending-creates.json``, where the provider process runs),
so a run from another checkout simply asks for ``adopt``.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Sequence

CLOCK_SKEW = 120.0  # seconds
DEFAULT_WINDOW = 120.0  # seconds after an unanswered create during which no new create is sent
MAX_AGE = 7 * 24 * 3600.0  # attempts older than this are forgotten
_lock = threading.Lock()


def journal_path() -> Path:
    return Path(os.environ.get("USERGROUPS_PENDING_FILE") or Path.cwd() / ".usergroups" / "pending-creates.json")


def _key(scope: Sequence[str], name: str) -> str:
    return json.dumps([*scope, name], ensure_ascii=False)


def _load(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    now = time.time()
    return {k: float(v) for k, v in data.items() if isinstance(v, (int, float)) and now - float(v) < MAX_AGE}


def _save(path: Path, data: dict[str, float]) -> None:
    # The journal names groups and accounts: owner-only, like the state it stands beside.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(json.dumps(data, ensure_ascii=False, indent=1))
    tmp.replace(path)


def record(scope: Sequence[str], name: str, attempted_at: float) -> None:
    """Remembers an attempt whose outcome is unknown (best effort: a read-only folder just skips it)."""
    with _lock:
        path = journal_path()
        try:
            data = _load(path)
            data[_key(scope, name)] = attempted_at
            _save(path, data)
        except OSError:
            pass


def attempted(scope: Sequence[str], name: str) -> float | None:
    """When an unfinished create of this name was attempted, if one was."""
    with _lock:
        return _load(journal_path()).get(_key(scope, name))


def entries(prefix: Sequence[str]) -> list[tuple[tuple[str, ...], str, float]]:
    """Every unfinished attempt whose scope starts with ``prefix``: ``(scope, name, attempted_at)``."""
    with _lock:
        data = _load(journal_path())
    found = []
    for k, at in data.items():
        try:
            parts = json.loads(k)
        except ValueError:
            continue
        if isinstance(parts, list) and len(parts) > len(prefix) and parts[:len(prefix)] == [*prefix]:
            found.append((tuple(str(p) for p in parts[:-1]), str(parts[-1]), at))
    return found


def settle(scope: Sequence[str], name: str) -> None:
    """Forgets the attempt: the group was created, taken over, or found not to exist."""
    with _lock:
        path = journal_path()
        data = _load(path)
        if data.pop(_key(scope, name), None) is not None:
            try:
                _save(path, data)
            except OSError:
                pass


def created_after(created_at: float | None, attempted_at: float) -> bool:
    return created_at is not None and created_at >= attempted_at - CLOCK_SKEW
