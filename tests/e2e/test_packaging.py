"""The library as users get it: a wheel in a clean virtualenv, and stacks written by the last release.

- The consumer test builds the wheel from this checkout, installs it (with its declared
  dependencies, nothing else) into a fresh virtualenv, and runs a program of its own
  through the real CLI: it must work without the checkout on its path.
- The upgrade test runs the newest release recorded in ``releases.json`` (its commit,
  exported with ``git archive``) to create groups, then this checkout's code takes the
  same stack over: refresh and up change nothing, a rename is an update in place, and
  destroy succeeds. A moved provider class ("Can't get attribute") fails it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.harness import ROOT, Emulators, PulumiProject, connection_config, swo_group, symphony_group
from tests.e2e.conftest import SWO_TOKEN
from tests.e2e.test_symphony_members_e2e import active

RELEASES = ROOT / "releases.json"
ACC = "ACC-1234-5678"
CONSUMER = ROOT / "tests" / "e2e" / "programs" / "wheel_consumer"


def newest_release() -> dict:
    releases = json.loads(RELEASES.read_text())["releases"]
    return max(releases, key=lambda r: tuple(int(x) for x in r["version"].split(".")))


def export_commit(commit: str, target: Path) -> Path:
    """The release's files as committed (no tags needed: the commit is in main's history)."""
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, timeout=60)
    if archive.returncode != 0:
        pytest.fail(f"cannot export release commit {commit}: {archive.stderr.decode().strip()} "
                    "(a shallow clone? fetch the history: git fetch --unshallow)")
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def test_release_record_matches_the_package():
    release = newest_release()
    assert len(release["commit"]) == 40
    init = subprocess.run(["git", "show", f"{release['commit']}:providers/__init__.py"], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert f'__version__ = "{release["version"]}"' in init.stdout


def test_upgrade_from_the_newest_release(tmp_path: Path, emu: Emulators, bot):
    release = newest_release()
    old_tree = export_commit(release["commit"], tmp_path / f"release-{release['version']}")
    emu.symphony.seed_pod_users(["alice.smith", "bob.jones", "carol.officer", "dave.new"])
    jane, joe, kim = emu.swo.seed_users(ACC, [{"email": "jane.doe@contoso.com"}, {"email": "joe@contoso.com"},
                                              {"email": "kim@contoso.com"}])
    state = tmp_path / "state"
    old = PulumiProject(tmp_path / "old", state_dir=state, source_root=old_tree)
    old.init(connection_config(emu, bot, "rsa"), {"swo:apiToken": SWO_TOKEN, "symphony:botPrivateKey": bot.private_pem})
    old.set_groups(symphony=[symphony_group("scope", "EMEA Scope", area="EMEA", members=["alice.smith", "bob.jones"],
                                            assignees=["carol.officer"])],
                   swo=[swo_group("ops", "Operations", description="ops", users=[jane["id"], "joe@contoso.com"])])
    old.up().ok()
    ids = {r["outputs"]["name"]: r["id"] for r in old.resources("UserGroup")}
    assert set(ids) == {"EMEA Scope", "Operations"}
    people = {r["type"].rsplit(":", 1)[-1] for r in old.resources() if "UserGroup" in r["type"]}
    assert {"UserGroupMembers", "UserGroupAssignment"} <= people  # the release wrote people resources

    new = PulumiProject(tmp_path / "new", state_dir=state)
    new.stack_file.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(old.stack_file, new.stack_file)  # same config, same encryption salt
    new.refresh("--expect-no-changes").ok()
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    # The one new resource is the people ledger (no API behind it); nothing else changes.
    first = new.up().ok()
    assert "+ 1 created" in first.stdout and "PeopleLedger" in first.stdout, first.stdout
    assert "updated" not in first.stdout.split("Resources:")[-1], first.stdout
    new.up("--expect-no-changes").ok()
    writes = [route for c in (emu.symphony, emu.swo) for route, n in c.counts().items()
              if n and route.split()[0] in ("POST", "PUT", "DELETE") and "/login/" not in route]
    assert writes == [], writes

    # One person changed on each side, and the groups renamed in place.
    new.set_groups(symphony=[symphony_group("scope", "EMEA Scope (renamed)", area="EMEA",
                                            members=["alice.smith", "dave.new"], assignees=["carol.officer"])],
                   swo=[swo_group("ops", "Operations (renamed)", description="ops",
                                  users=[jane["id"], "kim@contoso.com"])])
    # The release stored the people as lists; from the first `up` on, a plan names each person who changes.
    plan = new.preview("--diff").ok().output
    assert not re.search(r"^\s*[-+~]\s*\[\d+\]", plan, re.M), plan[-3000:]
    marked = {re.sub(r"\s+", " ", ln.strip()) for ln in plan.splitlines() if re.match(r"^\s*[-+]\s+\S+\s*: true", ln)}
    assert {"- bob.jones : true", "+ dave.new : true", "- joe@contoso.com : true", "+ kim@contoso.com : true"} <= {
        re.sub(r"\s*:", " :", m) for m in marked}, marked
    changed = new.up().ok()
    assert "replaced" not in changed.stdout and "deleted" not in changed.stdout, changed.stdout
    assert {r["outputs"]["name"]: r["id"] for r in new.resources("UserGroup")} == {
        "EMEA Scope (renamed)": ids["EMEA Scope"], "Operations (renamed)": ids["Operations"]}
    gid = ids["EMEA Scope"]
    assert active(emu, gid) == {"alice.smith", "dave.new"}
    assert in_swo_group(emu, ids["Operations"]) == {jane["id"], kim["id"]}
    new.destroy().ok()
    assert [g["active"] for g in emu.symphony.groups()] == [False]
    assert [g for g in emu.swo.groups() if not g.get("isDefault")] == []
    assert active(emu, gid) == set()
    assert joe["id"] not in in_swo_group(emu, ids["Operations"])


def in_swo_group(emu: Emulators, gid: str) -> set[str]:
    group = next((g for g in emu.swo.groups() if g["id"] == gid), None)
    return {u["id"] for u in (group or {}).get("users") or []}


def test_installed_wheel_works_without_the_checkout(tmp_path: Path, emu: Emulators, bot):
    wheels = tmp_path / "dist"
    # Built from a copy of what the wheel is made of, so the build leaves nothing in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "providers", source / "providers", ignore=shutil.ignore_patterns("__pycache__"))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = wheels.glob("pulumi_usergroups-*.whl")
    names = subprocess.run([sys.executable, "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True).stdout
    assert "providers/swo/provider.py" in names
    assert "emulators/" not in names and "tests/" not in names and "bench/" not in names

    project = PulumiProject(tmp_path / "consumer", program=CONSUMER, installed=True,
                            python=tmp_path / "consumer" / "project" / ".venv" / "bin" / "python")
    venv = project.dir / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # The same versions the project is tested with (a constraint cannot carry extras: PyJWT[crypto] -> PyJWT).
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(re.sub(r"\[.*?\]", "", line) for line in
                                     (ROOT / "requirements.txt").read_text().splitlines()))
    install = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                              str(wheel), "-c", str(constraints)],
                             capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    note = tmp_path / "note.txt"
    config = {**connection_config(emu, bot, "rsa"), "wheel-consumer:notePath": str(note)}
    config = {k: v for k, v in config.items() if not k.startswith("usergroups:")}
    project.init(config, {"swo:apiToken": SWO_TOKEN, "symphony:botPrivateKey": bot.private_pem})
    project.up().ok()
    out = project.outputs()
    assert out["providersFile"].startswith(str(venv)) and "site-packages" in out["providersFile"]
    import providers
    assert out["providersVersion"] == providers.__version__  # the wheel of this checkout, not an older one
    assert note.read_text() == "groups managed from an installed wheel"
    assert [g["id"] for g in emu.symphony.groups()] == [out["scopeId"]]
    project.refresh("--expect-no-changes").ok()
    project.destroy().ok()
    assert not note.exists() and [g["active"] for g in emu.symphony.groups()] == [False]
