"""The README's first command from fresh clones, as a new user runs it: it installs only what the main
job needs, touches nothing of the machine, shows the people, and two clones run side by side."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.harness import ROOT, pulumi_bin

# Commands the quick start must never run: a stand-in for each logs the call and fails.
FORBIDDEN = ("apt-get", "apt", "dpkg", "pkill", "killall", "sudo", "systemctl", "service")


def shims(folder: Path, log: Path) -> Path:
    folder.mkdir(parents=True)
    for name in FORBIDDEN:
        shim = folder / name
        shim.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexit 1\n')
        shim.chmod(0o755)
    return folder


def test_local_up_from_two_fresh_clones_at_once(tmp_path: Path):
    log = tmp_path / "forbidden.log"
    guard = shims(tmp_path / "shims", log)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PULUMI_", "USERGROUPS_", "SWO_", "SYMPHONY_", "VIRTUAL_ENV"))}
    # A fresh cache folder; the CLI at the pinned version is the one on PATH (the installer's first source).
    env.update({"PATH": f"{guard}:{pulumi_bin()}:{env.get('PATH', '/usr/bin:/bin')}",
                "USERGROUPS_CACHE": str(tmp_path / "cache"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    clones = [tmp_path / name for name in ("first", "second")]
    for clone in clones:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    runs = [subprocess.Popen(["bash", "scripts/local-up.sh"], cwd=clone, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for clone in clones]
    try:
        outputs = [run.communicate(timeout=900)[0] for run in runs]
    finally:
        for clone in clones:
            subprocess.run(["bash", "scripts/emulators.sh", "stop"], cwd=clone, env=env, timeout=60,
                           capture_output=True)
    for clone, run, output in zip(clones, runs, outputs):
        assert run.returncode == 0, output[-4000:]
        # The first run prints the groups and who is in them.
        for person in ("alice.smith", "carol.officer", "dave.brown", "USR-1234-0001", "jane.doe@contoso.com"):
            assert person in output, (person, output[-3000:])
        assert not (clone / ".venv-conformance").exists()
        has_pytest = subprocess.run([str(clone / ".venv" / "bin" / "python"), "-c", "import pytest"],
                                    capture_output=True)
        assert has_pytest.returncode != 0, "the runtime virtualenv has pytest"
        assert not subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                                  text=True).stdout.strip(), "the quick start changed tracked files"
        assert oct((clone / ".local" / "state").stat().st_mode & 0o777) == "0o700"
    assert not log.exists(), log.read_text()
    started = [json.loads(line.split("emulators: started ", 1)[1]) for output in outputs
               for line in output.splitlines() if line.startswith("emulators: started ")]
    assert len(started) == 2 and {started[0]["symphony"], started[0]["swo"]}.isdisjoint(
        {started[1]["symphony"], started[1]["swo"]}), started
