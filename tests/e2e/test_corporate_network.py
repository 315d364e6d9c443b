"""A bank's network, through the real CLI: the APIs over TLS from a private CA, and an authenticating proxy.

The emulators serve HTTPS with a certificate from a test authority made at run time
(trustme); Debian's tinyproxy is the HTTP CONNECT proxy, with basic authentication.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.conftest import SESSION_TOKEN, SWO_TOKEN
from tests.harness import (BotKey, Emulators, PulumiProject, TinyProxy, TlsFiles, connection_config, make_tls,
                           swo_group, symphony_group)

PROXY_USER = "svc-pulumi"
PROXY_PASSWORD = "pw-" + secrets.token_hex(12)


@pytest.fixture(scope="module")
def tls(tmp_path_factory) -> TlsFiles:
    return make_tls(tmp_path_factory.mktemp("tls"), "Bank Root CA (test)")


@pytest.fixture(scope="module")
def tls_emulators(tmp_path_factory, bot: BotKey, tls: TlsFiles) -> Iterator[Emulators]:
    emu = Emulators(tmp_path_factory.mktemp("tls-emulators"), bot, SWO_TOKEN, SESSION_TOKEN, tls=tls).start()
    yield emu
    emu.stop()


@pytest.fixture
def temu(tls_emulators: Emulators) -> Emulators:
    tls_emulators.reset()
    return tls_emulators


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[TinyProxy]:
    if not TinyProxy.available():
        if os.environ.get("CI"):
            pytest.fail("tinyproxy is not installed (scripts/setup-packages.sh installs it)")
        pytest.skip("tinyproxy is not installed (apt-get install tinyproxy)")
    p = TinyProxy(tmp_path / "proxy", PROXY_USER, PROXY_PASSWORD).start()
    yield p
    p.stop()


def tls_project(tmp_path: Path, emu: Emulators, bot: BotKey, secret_config: dict[str, str] | None = None,
                **extra_config) -> PulumiProject:
    project = PulumiProject(tmp_path / "bank", stack="test")
    config = {**connection_config(emu, bot, "rsa"), **extra_config}
    return project.init(config, {"swo:apiToken": SWO_TOKEN, "symphony:botPrivateKey": bot.private_pem,
                                 **(secret_config or {})})


def declare(project: PulumiProject) -> None:
    project.set_groups(symphony=[symphony_group("scope", "EMEA Scope")],
                       swo=[swo_group("ops", "Operations")])


def lifecycle(project: PulumiProject, emu: Emulators) -> None:
    declare(project)
    project.up().ok()
    assert {g["name"] for g in emu.symphony.groups()} == {"EMEA Scope"}
    assert "Operations" in {g["name"] for g in emu.swo.groups()}
    project.refresh("--expect-no-changes").ok()
    project.destroy().ok()
    assert [g["active"] for g in emu.symphony.groups()] == [False]


def test_tls_with_the_private_ca_from_stack_config(tmp_path, temu, bot, tls):
    project = tls_project(tmp_path, temu, bot, **{"symphony:caBundlePath": str(tls.ca), "swo:caBundlePath": str(tls.ca)})
    lifecycle(project, temu)


def test_tls_with_requests_ca_bundle_from_the_environment(tmp_path, temu, bot, tls):
    project = tls_project(tmp_path, temu, bot)
    project.env["REQUESTS_CA_BUNDLE"] = str(tls.ca)
    lifecycle(project, temu)


def test_wrong_ca_fails_with_one_readable_line(tmp_path, temu, bot, tls):
    other = make_tls(tmp_path / "other", "Some Other CA")
    project = tls_project(tmp_path, temu, bot, **{"symphony:caBundlePath": str(other.ca), "swo:caBundlePath": str(other.ca)})
    project.set_groups(swo=[swo_group("ops", "Operations")])
    result = project.up()
    assert result.returncode != 0
    line = next(l for l in result.output.splitlines() if "certificate" in l and "127.0.0.1" in l)
    assert "swo:caBundlePath" in line and "could not be verified" in line, line
    assert [g for g in temu.swo.groups() if not g.get("isDefault")] == []


def test_without_any_ca_the_private_certificate_is_refused(tmp_path, temu, bot):
    project = tls_project(tmp_path, temu, bot)
    project.set_groups(symphony=[symphony_group("scope", "EMEA Scope")])
    result = project.up()
    assert result.returncode != 0 and "symphony:caBundlePath" in result.output
    assert temu.symphony.groups() == []


def test_through_an_authenticating_proxy(tmp_path, temu, bot, tls, proxy):
    project = tls_project(tmp_path, temu, bot, {"symphony:proxyUrl": proxy.url, "swo:proxyUrl": proxy.url},
                          **{"symphony:caBundlePath": str(tls.ca), "swo:caBundlePath": str(tls.ca)})
    declare(project)
    up = project.up().ok()
    tunnels = proxy.tunnels()
    assert f"127.0.0.1:{temu.symphony_port}" in tunnels and f"127.0.0.1:{temu.swo_port}" in tunnels
    project.refresh("--expect-no-changes").ok()
    destroy = project.destroy().ok()
    # The proxy's password is a secret: nowhere in state, output or the backend's files.
    exported = json.dumps(project.export())
    assert PROXY_PASSWORD not in exported
    assert PROXY_PASSWORD not in up.output + destroy.output
    assert all(PROXY_PASSWORD.encode() not in blob for blob in project.provider_blobs())


def test_https_proxy_from_the_environment_and_no_proxy_bypass(tmp_path, temu, bot, tls, proxy):
    project = tls_project(tmp_path, temu, bot)
    project.env.update({"REQUESTS_CA_BUNDLE": str(tls.ca), "HTTPS_PROXY": proxy.url})
    project.set_groups(swo=[swo_group("ops", "Operations")])
    project.up().ok()
    assert f"127.0.0.1:{temu.swo_port}" in proxy.tunnels()

    before = len(proxy.tunnels())
    project.env["NO_PROXY"] = "127.0.0.1"
    project.set_groups(swo=[swo_group("ops", "Operations Team")])
    project.up().ok()
    assert len(proxy.tunnels()) == before  # went direct
    assert [g["name"] for g in temu.swo.groups() if not g.get("isDefault")] == ["Operations Team"]


def test_wrong_proxy_password_is_one_line_without_the_password(tmp_path, temu, bot, tls, proxy):
    wrong = "wrong-" + secrets.token_hex(8)
    project = tls_project(tmp_path, temu, bot, {"swo:proxyUrl": f"http://{PROXY_USER}:{wrong}@127.0.0.1:{proxy.port}"},
                          **{"swo:caBundlePath": str(tls.ca)})
    project.set_groups(swo=[swo_group("ops", "Operations")])
    result = project.up()
    assert result.returncode != 0 and "proxy" in result.output.lower()
    assert wrong not in result.output and PROXY_PASSWORD not in result.output
