"""No credential ever lands in state, on disk, in verbose CLI logs or in error text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e import reliability
from tests.e2e.conftest import SESSION_TOKEN, SWO_TOKEN, new_project
from tests.harness import BotKey, Emulators, swo_group, symphony_group

VERBOSE = ("-v=9", "--logtostderr", "--logflow")


def credentials(bot: BotKey) -> dict[str, str]:
    body = "".join(bot.private_pem.strip().splitlines()[1:-1])
    return {"SoftwareOne token": SWO_TOKEN, "SoftwareOne token secret part": SWO_TOKEN.split(":")[-1],
            "Symphony session token": SESSION_TOKEN, "bot private key": bot.private_pem.strip(),
            "bot private key fragment": body[len(body) // 2: len(body) // 2 + 40]}


def hits(text: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if value in text]


@pytest.mark.parametrize("mode", ["rsa", "token"])
def test_no_credential_anywhere(tmp_path: Path, emu: Emulators, bot: BotKey, mode: str):
    secrets = credentials(bot)
    project = new_project(tmp_path, emu, bot, mode)
    project.set_groups(symphony=[symphony_group("s", "Secret scope")], swo=[swo_group("w", "Secret team")])
    outputs = [project.up(*VERBOSE).ok(), project.refresh(*VERBOSE).ok()]
    emu.swo.add_fault(route="*", kind="status", status=401)  # an error path too
    outputs.append(project.refresh(*VERBOSE))
    emu.swo.clear_faults()
    outputs.append(project.destroy(*VERBOSE).ok())

    for result in outputs:
        assert hits(result.output, secrets) == [], f"pulumi {' '.join(result.args)} printed a credential"
    assert "401" in outputs[2].output

    plain = json.dumps(project.export())
    assert hits(plain, secrets) == []
    # Decrypt the state and decode every pickled provider: still nothing.
    project.up().ok()
    blobs = project.provider_blobs()
    assert blobs, "no __provider found in state"
    for blob in blobs:
        assert hits(blob.decode("latin-1"), secrets) == []
    for path in project.state_dir.rglob("*"):
        if path.is_file():
            assert hits(path.read_bytes().decode("latin-1"), secrets) == [], f"credential in {path}"
    project.destroy().ok()


def test_fault_errors_hold_no_credential(bot: BotKey):
    rows = reliability.rows()
    if not rows:
        pytest.skip("the fault tests did not run in this session")
    secrets = credentials(bot)
    for row in rows:
        for line in row.error_lines:
            assert hits(line, secrets) == [], f"{row.fault}: {line}"
