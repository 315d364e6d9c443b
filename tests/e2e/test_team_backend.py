"""Two engineers and a lock: two clones of the repository share one stack in PostgreSQL.

Each clone stands for one engineer's checkout at its own path, with its own Pulumi home;
both run the pipeline script (``scripts/ci-deploy.sh``) against the emulators, with the
state in a real PostgreSQL server started by ``scripts/team-backend.sh``. Credentials come
from the environment only; the service account's key file is a path relative to each
checkout. A stack file change travels from one checkout to the other as a commit would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from tests.e2e.conftest import SWO_TOKEN
from tests.harness import ROOT, Emulators, default_signals, free_port, pulumi_bin, swo_group, symphony_group

STACK = "team"
PASSPHRASE = "team-passphrase-from-the-ci-secret-store"


def postgres_available() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.fixture(scope="module")
def backend_url(tmp_path_factory) -> Iterator[str]:
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (scripts/setup-packages.sh installs it)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    # Directly under the system temp folder: as root the server runs as 'postgres', which must
    # reach its data folder (pytest's own temp folders are private to root).
    data = Path(tempfile.mkdtemp(prefix="usergroups-pg-"))
    env = {**os.environ, "TEAM_PG_DIR": str(data), "TEAM_PG_PORT": str(free_port())}
    script = [str(ROOT / "scripts" / "team-backend.sh")]
    start = subprocess.run(["bash", *script, "start"], env=env, capture_output=True, text=True, timeout=120)
    assert start.returncode == 0, start.stderr
    yield start.stdout.strip().split("=", 1)[1]
    subprocess.run(["bash", *script, "stop"], env=env, capture_output=True, timeout=60)
    shutil.rmtree(data, ignore_errors=True)


class Checkout:
    """One engineer: a clone of the repository, its own Pulumi home, the shared backend."""

    def __init__(self, base: Path, backend: str, emu: Emulators) -> None:
        self.dir = base / "usergroups"
        subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(self.dir)], check=True, timeout=120)
        (self.dir / ".venv").symlink_to(ROOT / ".venv")  # the same installed packages, no reinstall
        key = self.dir / ".local" / "team-bot.pem"
        key.parent.mkdir(parents=True)
        shutil.copy(emu.bot.private_path, key)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SWO_", "SYMPHONY_", "PULUMI_"))}
        self.env.update({
            "PULUMI_BACKEND_URL": backend, "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_HOME": str(base / "pulumi-home"), "USERGROUPS_PULUMI_BIN": str(pulumi_bin()),
            "USERGROUPS_SKIP_SETUP": "1", "SWO_API_TOKEN": SWO_TOKEN,
        })

    @property
    def stack_file(self) -> Path:
        return self.dir / "stacks" / f"Pulumi.{STACK}.yaml"

    def pulumi(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pulumi_bin() / "pulumi"), *args, "--non-interactive"], cwd=self.dir, env=self.env,
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                              preexec_fn=default_signals)

    def deploy(self, action: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "scripts/ci-deploy.sh", action, STACK, *extra], cwd=self.dir, env=self.env,
                              capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                              preexec_fn=default_signals)

    def start_deploy(self, action: str) -> subprocess.Popen[str]:
        return subprocess.Popen(["bash", "scripts/ci-deploy.sh", action, STACK], cwd=self.dir, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                stdin=subprocess.DEVNULL, preexec_fn=default_signals)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    return out


def stack_config(emu: Emulators, symphony_name: str) -> dict:
    return {
        "symphony:podUrl": emu.symphony_url, "symphony:botUsername": emu.bot.username,
        "symphony:botPrivateKeyPath": ".local/team-bot.pem",  # relative: resolved in each checkout
        "swo:apiUrl": emu.swo_url,
        "usergroups:symphonyGroups": [symphony_group("scope", symphony_name, area="EMEA")],
        "usergroups:swoGroups": [swo_group("ops", "Operations")],
    }


def write_config(checkout: Checkout, config: dict) -> None:
    data = yaml.safe_load(checkout.stack_file.read_text()) if checkout.stack_file.exists() else {}
    data = data or {}
    data["config"] = config
    checkout.stack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_two_checkouts_share_one_stack(tmp_path: Path, emu: Emulators, backend_url: str):
    a, b = Checkout(tmp_path / "alice", backend_url, emu), Checkout(tmp_path / "bob", backend_url, emu)
    assert a.dir != b.dir

    ok(a.pulumi("stack", "init", STACK))
    write_config(a, stack_config(emu, "EMEA Scope"))
    ok(a.deploy("up"))
    ids = {g["name"]: g["id"] for g in emu.symphony.groups()}
    assert list(ids) == ["EMEA Scope"]

    shutil.copy(a.stack_file, b.stack_file)  # the stack file is committed; bob pulls it
    ok(b.deploy("refresh"))
    refreshed = ok(b.pulumi("preview", "--stack", STACK, "--expect-no-changes"))
    assert "unchanged" in refreshed
    write_config(b, stack_config(emu, "EMEA Scope (renamed)"))
    renamed = ok(b.deploy("up"))
    assert "updated" in renamed and "replaced" not in renamed
    assert [(g["id"], g["name"]) for g in emu.symphony.groups()] == [(ids["EMEA Scope"], "EMEA Scope (renamed)")]

    shutil.copy(b.stack_file, a.stack_file)  # alice pulls bob's change
    ok(a.pulumi("preview", "--stack", STACK, "--expect-no-changes"))

    # Both start an `up` at the same moment: the lock lets one run and refuses the other.
    write_config(a, {**stack_config(emu, "EMEA Scope (renamed)"),
                     "usergroups:swoGroups": [swo_group("ops", "Operations"), swo_group("fin", "Finance")]})
    shutil.copy(a.stack_file, b.stack_file)
    for attempt in range(3):
        procs = [c.start_deploy("up") for c in (a, b)]
        outs = [p.communicate(timeout=300)[0] for p in procs]
        codes = [p.returncode for p in procs]
        locked = ["the stack is currently locked" in o for o in outs]
        if 0 in codes:
            break
        time.sleep(1)  # both saw the other's lock file in the same instant: try the pair again
    assert codes.count(0) == 1, outs
    loser = outs[codes.index(1)] if 1 in codes else ""
    assert locked[codes.index(1)], loser[-3000:]
    print("refused by the lock:", next(l for l in loser.splitlines() if "locked" in l).strip(), file=sys.stderr)
    finance = [g for g in emu.swo.groups() if g["name"] == "Finance"]
    assert len(finance) == 1  # one run created it; the refused one wrote nothing

    ok(a.deploy("destroy"))
    assert [g["active"] for g in emu.symphony.groups()] == [False]
    assert [g for g in emu.swo.groups() if not g.get("isDefault")] == []
    # The passphrase, the token and the key never reached the stack files.
    for checkout in (a, b):
        text = checkout.stack_file.read_text()
        assert PASSPHRASE not in text and SWO_TOKEN not in text and "PRIVATE KEY" not in text
