"""The vendors' official clients against the emulators, in their own virtualenv.

``tests/conformance/official/check_*.py`` run under ``.venv-conformance`` (Python
>= 3.12, made by ``scripts/setup-conformance.sh``) with SoftwareOne's
``mpt-api-client`` and Symphony's ``symphony-bdk-python``; this module starts both
emulators, hands their addresses over and requires every check to pass, none
skipped. Without a 3.12+ interpreter the checks are skipped with the reason, except
in CI, where that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pytest

from emulators.server import EmulatorServer
from emulators.store import DocumentStore
from emulators.swo import SwoApi
from emulators.symphony import SymphonyApi
from tests.harness import BotKey, make_bot_key

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = ROOT / "tests" / "conformance" / "official"
PYTHON = ROOT / ".venv-conformance" / "bin" / "python"
SWO_TOKEN = "idt:TKN-1234-5678:conformance"


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[tuple[EmulatorServer, EmulatorServer, BotKey]]:
    tmp = tmp_path_factory.mktemp("conformance")
    bot = make_bot_key(tmp, "conformance-bot")
    symphony = EmulatorServer(SymphonyApi(DocumentStore(tmp / "symphony.sqlite3"),
                                          {bot.username: bot.public_path.read_text()})).start()
    swo = EmulatorServer(SwoApi(DocumentStore(tmp / "swo.sqlite3"), [SWO_TOKEN])).start()
    yield symphony, swo, bot
    symphony.stop()
    swo.stop()


@pytest.mark.parametrize("suite,client", [("check_mpt_client.py", "mpt-api-client"),
                                          ("check_symphony_bdk.py", "symphony-bdk-python")])
def test_official_client_conformance(servers, tmp_path, suite, client):
    if not PYTHON.exists():
        reason = f".venv-conformance is missing (no Python >= 3.12 was found by scripts/setup-conformance.sh): {client} not run"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    symphony, swo, bot = servers
    report = tmp_path / "report.xml"
    env = {**os.environ, "CONFORMANCE_SWO_URL": swo.url, "CONFORMANCE_SWO_TOKEN": SWO_TOKEN,
           "CONFORMANCE_SYMPHONY_URL": symphony.url, "CONFORMANCE_SYMPHONY_BOT": bot.username,
           "CONFORMANCE_SYMPHONY_KEY": str(bot.private_path), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    run = subprocess.run(
        [str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--confcutdir", str(OFFICIAL),
         "--rootdir", str(OFFICIAL), "-o", "python_files=check_*.py", f"--junitxml={report}", str(OFFICIAL / suite)],
        cwd=OFFICIAL, env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    tail = (run.stdout + run.stderr)[-6000:]
    assert report.exists(), tail
    suite_xml = ET.parse(report).getroot()
    suite_xml = suite_xml if suite_xml.tag == "testsuite" else suite_xml.find("testsuite")
    tests, failures, errors, skipped = (int(suite_xml.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
    print(f"{client}: {tests} checks, {failures} failed, {errors} errors, {skipped} skipped", file=sys.stderr)
    assert run.returncode == 0 and failures == errors == 0, tail
    assert tests >= 5 and skipped == 0, f"{client}: {tests} checks ran, {skipped} skipped\n{tail}"
