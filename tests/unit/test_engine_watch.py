"""A provider process stops on its own once the engine that started it is gone."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

from providers import engine_watch

CHILD = """
import sys, time
from providers import engine_watch
assert engine_watch.watch(["provider", sys.argv[1]], interval=0.1)
print("watching", flush=True)
time.sleep(30)  # a long write the engine will never hear of
"""


def test_the_engine_address_is_the_loopback_argument():
    assert engine_watch.engine_address(["shim", "127.0.0.1:41234"]) == ("127.0.0.1", 41234)
    assert engine_watch.engine_address(["shim", "--flag", "localhost:80"]) == ("localhost", 80)
    assert engine_watch.engine_address(["pytest", "tests/unit", "-q"]) is None
    assert engine_watch.engine_address(["shim", "10.0.0.1:41234"]) is None  # never a remote host


def test_nothing_is_watched_outside_an_engine():
    assert engine_watch.watch(["pytest", "-q"]) is False


def test_the_process_exits_within_a_second_once_the_engine_stops_listening():
    engine = socket.socket()
    engine.bind(("127.0.0.1", 0))
    engine.listen(16)
    address = "127.0.0.1:%d" % engine.getsockname()[1]
    child = subprocess.Popen([sys.executable, "-c", CHILD, address], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "watching"
        time.sleep(0.5)
        assert child.poll() is None  # the engine is there: the process goes on
        engine.close()
        gone = time.monotonic()
        status = child.wait(timeout=10)
        assert status == engine_watch.EXIT_STATUS
        assert time.monotonic() - gone < 3
    finally:
        child.kill()
        engine.close()
