"""No credential lands in state, on disk, in CLI output or in error text.

One exception is the engine's, not ours: at ``-v=9`` the CLI logs every property it
marshals for a provider's ``Configure`` call, and a dynamic provider is configured with
the whole stack config, so secrets kept in stack config appear in those log lines
(``Marshaling property for RPC[...Configure().inputs]``) whatever the provider does.
The first test pins that down to exactly those lines; the second shows that credentials
given by environment variable or key file appear nowhere, verbose logs included.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e import reliability
from tests.e2e.conftest import SESSION_TOKEN, SWO_TOKEN, new_project
from tests.harness import BotKey, Emulators, PulumiProject, connection_config, swo_group, symphony_group

VERBOSE = ("-v=9", "--logtostderr", "--logflow")
ENGINE_CONFIGURE_LOG = re.compile(r"Marshaling property for RPC\[Provider\[[^\]]*\]\.Configure\(\)\.inputs\]")


def credentials(bot: BotKey) -> dict[str, str]:
    body = "".join(bot.private_pem.strip().splitlines()[1:-1])
    return {"SoftwareOne token": SWO_TOKEN, "SoftwareOne token secret part": SWO_TOKEN.split(":")[-1],
            "Symphony session token": SESSION_TOKEN, "bot private key": bot.private_pem.strip(),
            "bot private key fragment": body[len(body) // 2: len(body) // 2 + 40]}


def hits(text: str, secrets: dict[str, str]) -> list[str]:
    return [name for name, value in secrets.items() if value in text]


def lines_with(text: str, secrets: dict[str, str]) -> list[str]:
    return [line for line in text.splitlines() if hits(line, secrets)]


def cycle(project: PulumiProject, emu: Emulators, *flags: str, env: dict[str, str] | None = None) -> list:
    """up, refresh, a refresh that fails (401), destroy; returns every result."""
    runs = [project.run("up", "--yes", *flags, env=env).ok(),
            project.run("refresh", "--yes", "--skip-preview", *flags, env=env).ok()]
    emu.swo.add_fault(route="*", kind="status", status=401)
    runs.append(project.run("refresh", "--yes", "--skip-preview", *flags, env=env))
    emu.swo.clear_faults()
    assert runs[-1].returncode != 0 and "401" in runs[-1].output
    runs.append(project.run("destroy", "--yes", "--skip-preview", *flags, env=env).ok())
    return runs


def assert_state_clean(project: PulumiProject, secrets: dict[str, str], env: dict[str, str] | None = None) -> None:
    project.run("up", "--yes", env=env).ok()
    assert hits(json.dumps(project.export()), secrets) == []
    blobs = project.provider_blobs()
    assert blobs, "no __provider found in state"
    for blob in blobs:  # the decrypted, decoded pickled providers
        assert hits(blob.decode("latin-1"), secrets) == []
    for path in project.state_dir.rglob("*"):
        if path.is_file():
            assert hits(path.read_bytes().decode("latin-1"), secrets) == [], f"credential in {path}"
    project.run("destroy", "--yes", "--skip-preview", env=env).ok()


@pytest.mark.parametrize("mode", ["rsa", "token"])
def test_stack_config_secrets(tmp_path: Path, emu: Emulators, bot: BotKey, mode: str):
    secrets = credentials(bot)
    project = new_project(tmp_path, emu, bot, mode)
    project.set_groups(symphony=[symphony_group("s", "Secret scope")], swo=[swo_group("w", "Secret team")])
    for result in cycle(project, emu):
        assert hits(result.output, secrets) == [], f"pulumi {' '.join(result.args)} printed a credential"
    for result in cycle(project, emu, *VERBOSE):
        leaked = lines_with(result.output, secrets)
        assert leaked, "expected the engine's Configure log to show the stack-config secret"
        assert all(ENGINE_CONFIGURE_LOG.search(line) for line in leaked), [
            line[:200] for line in leaked if not ENGINE_CONFIGURE_LOG.search(line)]
    assert_state_clean(project, secrets)


@pytest.mark.parametrize("mode", ["rsa-file", "token-env"])
def test_credentials_from_environment_or_file_appear_nowhere(tmp_path: Path, emu: Emulators, bot: BotKey,
                                                             mode: str):
    secrets = credentials(bot)
    project = PulumiProject(tmp_path / mode, stack="envcreds")
    config = connection_config(emu, bot, "rsa" if mode == "rsa-file" else "token")
    env = {"SWO_API_TOKEN": SWO_TOKEN}
    if mode == "rsa-file":
        config["symphony:botPrivateKeyPath"] = str(bot.private_path)
    else:
        env["SYMPHONY_SESSION_TOKEN"] = SESSION_TOKEN
    project.init(config)
    project.set_groups(symphony=[symphony_group("s", "Env scope")], swo=[swo_group("w", "Env team")])
    for result in cycle(project, emu, *VERBOSE, env=env):
        assert lines_with(result.output, secrets) == [], f"pulumi {' '.join(result.args)}"
    assert_state_clean(project, secrets, env)


def test_fault_errors_hold_no_credential(bot: BotKey):
    rows = reliability.recorded_this_session()
    if not rows:
        pytest.skip("the fault tests did not run in this session")
    secrets = credentials(bot)
    for row in rows:
        for line in row.error_lines:
            assert hits(line, secrets) == [], f"{row.fault}: {line}"
