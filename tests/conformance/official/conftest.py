"""Settings of the emulators under test, handed over by ``tests/conformance/test_official_clients.py``."""

from __future__ import annotations

import os

import httpx
import pytest


@pytest.fixture(scope="session")
def swo_url() -> str:
    return os.environ["CONFORMANCE_SWO_URL"]


@pytest.fixture(scope="session")
def swo_token() -> str:
    return os.environ["CONFORMANCE_SWO_TOKEN"]


@pytest.fixture(scope="session")
def symphony_url() -> str:
    return os.environ["CONFORMANCE_SYMPHONY_URL"]


@pytest.fixture
def swo_admin(swo_url: str):
    """The emulator's own admin API: state reset, seeding what the public API cannot create."""
    with httpx.Client(base_url=swo_url + "/_emulator", timeout=10) as admin:
        admin.post("/reset", params={"state": "1"}).raise_for_status()
        yield admin


@pytest.fixture
def symphony_admin(symphony_url: str):
    with httpx.Client(base_url=symphony_url + "/_emulator", timeout=10) as admin:
        admin.post("/reset", params={"state": "1"}).raise_for_status()
        yield admin
