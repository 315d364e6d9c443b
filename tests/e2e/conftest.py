"""Fixtures for end-to-end tests: the emulators, a service-account key, and a fresh Pulumi project."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Iterator

import pytest

from tests.harness import BotKey, Emulators, PulumiProject, connection_config, make_bot_key

SWO_TOKEN = "idt:TKN-1234-5678:" + secrets.token_hex(20)
SESSION_TOKEN = "sess-" + secrets.token_hex(24)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def bot(workdir: Path) -> BotKey:
    return make_bot_key(workdir / "keys", "pulumi-bot")


@pytest.fixture(scope="session")
def emulators(workdir: Path, bot: BotKey) -> Iterator[Emulators]:
    emu = Emulators(workdir / "emulators", bot, SWO_TOKEN, SESSION_TOKEN).start()
    yield emu
    emu.stop()


@pytest.fixture
def emu(emulators: Emulators) -> Emulators:
    """The emulators with empty state, no faults and zeroed counters."""
    if emulators.symphony is not None:
        try:
            emulators.symphony.health()
        except Exception:
            emulators.start()  # a test stopped them
    emulators.reset()
    return emulators


def new_project(tmp_path: Path, emu: Emulators, bot: BotKey, mode: str = "rsa", stack: str = "test") -> PulumiProject:
    project = PulumiProject(tmp_path / stack, stack=stack)
    secret_values = {"swo:apiToken": SWO_TOKEN}
    if mode == "rsa":
        secret_values["symphony:botPrivateKey"] = bot.private_pem
    else:
        secret_values["symphony:sessionToken"] = SESSION_TOKEN
    return project.init(connection_config(emu, bot, mode), secret_values)


@pytest.fixture
def project(tmp_path: Path, emu: Emulators, bot: BotKey) -> PulumiProject:
    """A project whose Symphony connection logs in with the service account's RSA key."""
    return new_project(tmp_path, emu, bot, "rsa")


@pytest.fixture
def token_project(tmp_path: Path, emu: Emulators, bot: BotKey) -> PulumiProject:
    """A project whose Symphony connection uses a session token."""
    return new_project(tmp_path, emu, bot, "token")
