"""Stops this provider process when the engine that started it is gone.

The engine starts each provider process with the address of its own gRPC server as the argument,
and stops the process when it exits normally. Killed (SIGKILL, an out-of-memory kill, a cancelled
CI job), it cannot: the provider would go on writing a long list of people for minutes with no one
left to record the outcome. A daemon thread connects to the engine's address every
``INTERVAL`` seconds; once nothing listens there, the process exits at once. Nothing is lost by
stopping mid-write: each group's people writes are journaled before they begin
(``providers.people.journal``) and each create before its POST (``providers.pending``), so the
next run plans from what is live.

The engine is watched by its address, not by the parent process: the shim that starts the provider
(``pulumi-resource-pulumi-python``) is a shell script that does not ``exec``, so the engine is
not the parent.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import threading
import time
from typing import Sequence

INTERVAL = 0.5  # seconds between two looks at the engine
MISSES = 2  # consecutive refused connections before the engine counts as gone
EXIT_STATUS = 75  # EX_TEMPFAIL: the run was cut off, not failed by this process

_started = False
_lock = threading.Lock()
_ADDRESS = re.compile(r"^(?P<host>127\.0\.0\.1|localhost|\[::1\]):(?P<port>\d{1,5})$")


def engine_address(argv: Sequence[str]) -> tuple[str, int] | None:
    """The engine's loopback address among the process's arguments, if it was started by an engine."""
    for arg in argv[1:]:
        match = _ADDRESS.match(arg)
        if match:
            return match["host"].strip("[]"), int(match["port"])
    return None


def listening(address: tuple[str, int], timeout: float = 1.0) -> bool:
    """Whether something accepts connections at ``address``."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except OSError:
        return False


def watch(argv: Sequence[str] | None = None, interval: float = INTERVAL) -> bool:
    """Starts the watch once per process; False when the process was not started by an engine."""
    global _started
    address = engine_address(sys.argv if argv is None else argv)
    with _lock:
        if _started or address is None or not listening(address):
            return False
        _started = True
    threading.Thread(target=_run, args=(address, interval), name="engine-watch", daemon=True).start()
    return True


def _run(address: tuple[str, int], interval: float) -> None:
    misses = 0
    while True:
        time.sleep(interval)
        misses = 0 if listening(address) else misses + 1
        if misses >= MISSES:
            # The engine is gone: no one will record what this process does from now on. Stop at once,
            # without atexit handlers (the gRPC server's worker threads would wait for the writes) and
            # without a word: the engine read this process's stderr, and a write to it would fail or block.
            os._exit(EXIT_STATUS)
