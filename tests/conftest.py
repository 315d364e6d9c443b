"""Shared test setup: the project root on sys.path, and the ``e2e`` marker."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: runs the real pulumi CLI against the emulators (select with -m e2e)")
