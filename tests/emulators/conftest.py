"""In-process emulators on free ports with SQLite state in a temp folder."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import requests

from emulators.control import EmulatorControl
from emulators.server import EmulatorServer
from emulators.store import DocumentStore
from emulators.swo import SwoApi
from emulators.symphony import SymphonyApi
from tests.harness import BotKey, make_bot_key

SWO_TOKEN = "emulator-test-token"
SESSION = "static-session"


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> BotKey:
    return make_bot_key(tmp_path_factory.mktemp("keys"), "emu-bot")


def start_symphony(path: Path, bot: BotKey) -> EmulatorServer:
    api = SymphonyApi(DocumentStore(path), {bot.username: bot.public_path.read_text()}, [SESSION])
    return EmulatorServer(api).start()


def start_swo(path: Path) -> EmulatorServer:
    return EmulatorServer(SwoApi(DocumentStore(path), [SWO_TOKEN])).start()


@pytest.fixture
def symphony(tmp_path, bot) -> Iterator[EmulatorServer]:
    server = start_symphony(tmp_path / "symphony.sqlite3", bot)
    yield server
    server.stop()


@pytest.fixture
def swo(tmp_path) -> Iterator[EmulatorServer]:
    server = start_swo(tmp_path / "swo.sqlite3")
    yield server
    server.stop()


class Api:
    """requests against one emulator with its auth header."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.s = base, requests.Session()
        self.s.headers.update(headers)
        self.control = EmulatorControl(base)

    def __getattr__(self, method):
        return lambda path, **kw: self.s.request(method.upper(), self.base + path, timeout=10, **kw)


@pytest.fixture
def pod(symphony) -> Api:
    return Api(symphony.url, {"sessionToken": SESSION})


@pytest.fixture
def mpt(swo) -> Api:
    return Api(swo.url, {"Authorization": f"Bearer {SWO_TOKEN}"})
