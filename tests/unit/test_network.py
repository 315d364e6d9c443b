"""Proxy and CA settings, their precedence and checks, and what the HTTP layer does with them."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from providers.config import Settings, Timeouts
from providers.errors import ConfigError, TransportError
from providers.http import ErrorBody, HttpClient
from providers.config import redact_url
from providers.network import Network, combined_bundle, network_settings
from tests.harness import make_tls

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


class Cfg(dict):
    def get(self, key, default=None):
        return super().get(key, default)


@pytest.fixture
def bundle(tmp_path) -> Path:
    p = tmp_path / "corp-ca.pem"
    p.write_text(PEM)
    return p


def settings(config=None, ns="swo"):
    return Settings(ns, Cfg(config or {}), environ={})


def test_no_settings_means_direct_and_public_authorities():
    n = network_settings(settings(), environ={})
    assert n.proxies() == {} and n.verify() is True and n.secrets() == []


def test_proxy_precedence_stack_config_then_namespace_env_then_https_proxy():
    env = {"HTTPS_PROXY": "http://env-proxy:3128", "SWO_PROXY_URL": "http://ns-proxy:3128"}
    s = Settings("swo", Cfg({"swo:proxyUrl": "http://config-proxy:8080"}), environ=env)
    n = network_settings(s, environ=env)
    assert n.proxy_url == "http://config-proxy:8080" and n.proxy_setting == "swo:proxyUrl"
    s = Settings("swo", Cfg({}), environ=env)
    assert network_settings(s, environ=env).proxy_url == "http://ns-proxy:3128"
    s = Settings("swo", Cfg({}), environ={"https_proxy": "http://lower:1"})
    n = network_settings(s, environ={"https_proxy": "http://lower:1"})
    assert n.proxy_url == "http://lower:1" and n.proxy_setting == "$https_proxy"


def test_ca_precedence_and_bundle_adds_to_public_authorities(bundle, tmp_path):
    other = tmp_path / "other.pem"
    other.write_text(PEM)
    env = {"REQUESTS_CA_BUNDLE": str(other), "SSL_CERT_FILE": "/nonexistent"}
    n = network_settings(Settings("swo", Cfg({"swo:caBundlePath": str(bundle)}), environ=env), environ=env)
    assert n.ca_bundle == str(bundle.resolve())
    n = network_settings(Settings("swo", Cfg({}), environ=env), environ=env)
    assert n.ca_bundle == str(other.resolve())
    combined = Path(combined_bundle(str(bundle))).read_text()
    import certifi
    assert combined.startswith(Path(certifi.where()).read_text()[:200]) and combined.rstrip().endswith(PEM.strip())


@pytest.mark.parametrize("config,key,expect", [
    ({"swo:proxyUrl": "ftp://proxy:21"}, "swo:proxyUrl", "proxy URL"),
    ({"swo:proxyUrl": "http://proxy:notaport"}, "swo:proxyUrl", "port"),
    ({"swo:caBundlePath": "/no/such/file.pem"}, "swo:caBundlePath", "cannot read"),
])
def test_bad_settings_name_the_key(config, key, expect):
    with pytest.raises(ConfigError) as err:
        network_settings(settings(config), environ={})
    assert err.value.key == key and expect in str(err.value)


def test_a_file_without_certificates_is_refused(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError, match="no PEM certificate"):
        network_settings(settings({"swo:caBundlePath": str(junk)}), environ={})


def test_proxy_credentials_are_secrets_and_redacted_from_urls():
    n = network_settings(settings({"swo:proxyUrl": "http://alice:p%40ss-w0rd@proxy:3128"}), environ={})
    assert "p@ss-w0rd" in n.secrets() and "p%40ss-w0rd" in n.secrets()
    assert n.shown_proxy() == "http://***@proxy:3128"
    assert redact_url("http://proxy:3128") == "http://proxy:3128"
    with pytest.raises(ConfigError) as err:
        network_settings(settings({"swo:proxyUrl": "http://alice:topsecret@proxy:bad"}), environ={})
    assert "topsecret" not in str(err.value)


def client(network: Network, base="https://api.example.com") -> HttpClient:
    class NoAuth:
        def headers(self):
            return {"Authorization": "Bearer tkn-secret-value"}

        def refresh(self, used):
            return False

        def secrets(self):
            return ["tkn-secret-value"]

    t = Timeouts(settings({"swo:maxRetries": "0", "swo:retryBudget": "0"}))
    return HttpClient("Test API", base, t, NoAuth(), lambda r: ErrorBody(title="error"), network=network)


def test_no_proxy_bypasses_the_proxy():
    assert client(Network(proxy_url="http://proxy:3128"))._proxies == {"https": "http://proxy:3128",
                                                                        "http": "http://proxy:3128"}
    assert client(Network(proxy_url="http://proxy:3128", no_proxy="example.com"))._proxies == {}
    assert client(Network(proxy_url="http://proxy:3128", no_proxy="other.org"))._proxies != {}


def test_proxy_failure_is_one_line_without_the_password():
    c = client(Network(proxy_url="http://alice:hunter2-secret@127.0.0.1:9", proxy_setting="swo:proxyUrl"))
    with pytest.raises(TransportError) as err:
        c.request("GET", "/x")
    text = str(err.value)
    assert "proxy http://***@127.0.0.1:9 (from swo:proxyUrl)" in text and "hunter2" not in text
    assert "\n" not in text


def test_certificate_error_names_host_and_setting(tmp_path, no_sleep):
    from emulators.server import EmulatorServer
    from emulators.store import DocumentStore
    from emulators.swo import SwoApi

    tls = make_tls(tmp_path / "tls")
    server = EmulatorServer(SwoApi(DocumentStore(":memory:"), ["t"]), tls=(str(tls.chain), str(tls.key))).start()
    try:
        c = client(Network(ca_setting="swo:caBundlePath"), base=server.url)
        with pytest.raises(TransportError) as err:
            c.request("GET", "/public/v1/accounts/user-groups")
        text = str(err.value)
        assert "TLS certificate of 127.0.0.1 could not be verified" in text and "swo:caBundlePath" in text
        assert err.value.retryable is False  # a retry cannot fix a certificate
        assert no_sleep == []  # no retry was even scheduled
        trusted = client(Network(ca_bundle=str(tls.ca), ca_setting="swo:caBundlePath"), base=server.url)
        assert trusted.request("GET", "/public/v1/accounts/user-groups", allow=(401,)).status_code == 401
    finally:
        server.stop()


@responses.activate
def test_redirect_to_another_host_drops_the_credentials():
    responses.get("https://api.example.com/x", status=307, headers={"Location": "https://elsewhere.example.net/x"})
    responses.get("https://elsewhere.example.net/x", json={})
    client(Network()).request("GET", "/x")
    final = responses.calls[-1].request
    assert final.url.startswith("https://elsewhere.example.net") and "Authorization" not in final.headers
    assert responses.calls[0].request.headers["Authorization"] == "Bearer tkn-secret-value"


@responses.activate
def test_redirect_within_the_origin_keeps_the_credentials():
    responses.get("https://api.example.com/x", status=307, headers={"Location": "https://api.example.com/y"})
    responses.get("https://api.example.com/y", json={})
    client(Network()).request("GET", "/x")
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer tkn-secret-value"


@responses.activate
def test_redirect_to_plain_http_is_refused():
    responses.get("https://api.example.com/x", status=302, headers={"Location": "http://api.example.com/x"})
    with pytest.raises(TransportError, match="not https"):
        client(Network()).request("GET", "/x")
    assert len(responses.calls) == 1
