"""The Pulumi CLI the project installs: the pinned version, cached, and usable with no network at all."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.harness import ROOT, PulumiProject, default_signals, pulumi_bin


def pinned() -> str:
    return re.search(r"^pulumi==([\d.]+)", (ROOT / "requirements.txt").read_text(), re.M).group(1)


def test_cli_matches_the_pin_and_is_cached():
    assert subprocess.run([str(pulumi_bin() / "pulumi"), "version"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL).stdout.strip() == f"v{pinned()}"
    again = subprocess.run(["bash", str(ROOT / "scripts/install-pulumi.sh")], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
    assert again.returncode == 0 and again.stdout.strip() == str(pulumi_bin())
    assert "using" in again.stderr and "building" not in again.stderr  # the second run builds nothing
    for name in ("pulumi-language-python", "pulumi-language-python-exec", "pulumi-resource-pulumi-python"):
        assert (pulumi_bin() / name).exists(), name


def network_closed_available() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not network_closed_available(), reason="needs unshare -n (root) to close the network")
def test_preview_and_up_work_with_the_network_closed(tmp_path):
    """In a network namespace with only loopback: the engine, plugins and providers need nothing outside."""
    project = PulumiProject(tmp_path, stack="offline", program=ROOT / "tests/e2e/programs/offline")
    project.init({})
    cmd = ["unshare", "-n", "sh", "-c",
           "ip link set lo up && pulumi preview --non-interactive --stack offline && "
           "pulumi up --yes --non-interactive --stack offline && pulumi stack output --stack offline value"]
    out = subprocess.run(cmd, cwd=project.dir, env=project.env, capture_output=True, text=True, timeout=300,
                         stdin=subprocess.DEVNULL, preexec_fn=default_signals)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert out.stdout.strip().endswith("offline-ok")
