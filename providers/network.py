"""How one connection reaches its API: the HTTPS proxy and the certificate authorities it trusts.

Read per connection namespace, each with a documented precedence (first set wins):

- proxy: ``<ns>:proxyUrl`` (stack config), ``<NS>_PROXY_URL``, ``HTTPS_PROXY``, ``https_proxy``;
  hosts in ``<ns>:noProxy``, ``<NS>_NO_PROXY``, ``NO_PROXY`` or ``no_proxy`` are reached directly;
- certificate authorities: ``<ns>:caBundlePath``, ``<NS>_CA_BUNDLE_PATH``,
  ``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE``. The bundle is *added* to the public
  authorities (certifi's), never replaces them, and verification cannot be turned off.

The proxy's user name and password are secrets: they never appear in a message.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote, urlsplit

from .config import Settings, redact_url
from .errors import ConfigError

KEYS = ("proxyUrl", "noProxy", "caBundlePath")
PROXY_ENV = ("HTTPS_PROXY", "https_proxy")
NO_PROXY_ENV = ("NO_PROXY", "no_proxy")
CA_ENV = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")
PEM_MARKER = "-----BEGIN CERTIFICATE-----"


@dataclass(frozen=True)
class Network:
    """The proxy and trust settings of one connection, checked offline."""

    proxy_url: str | None = None
    proxy_setting: str | None = None  # where the proxy came from, for messages
    no_proxy: str | None = None
    ca_bundle: str | None = None
    ca_setting: str = "caBundlePath"  # the setting a certificate error points to

    def proxies(self) -> dict[str, str]:
        """``requests``' proxy map (empty: direct). ``NO_PROXY`` is applied per request."""
        return {"https": self.proxy_url, "http": self.proxy_url} if self.proxy_url else {}

    def secrets(self) -> list[str]:
        """What must never be shown: the proxy's credentials, in every form they may take."""
        if not self.proxy_url:
            return []
        parts = urlsplit(self.proxy_url)
        out = []
        if parts.password:
            out += [parts.password, unquote(parts.password)]
        if parts.username and parts.password:
            out.append(f"{parts.username}:{parts.password}")
        return [s for s in out if s]

    def shown_proxy(self) -> str | None:
        """The proxy URL with any credentials replaced, for messages."""
        return redact_url(self.proxy_url) if self.proxy_url else None

    def verify(self) -> str | bool:
        """What ``requests`` verifies against: the public authorities, plus the bundle if any."""
        return combined_bundle(self.ca_bundle) if self.ca_bundle else True

    def key(self) -> tuple[str | None, str | None, str | None]:
        return (self.proxy_url, self.no_proxy, self.ca_bundle)


def network_settings(settings: Settings, environ: Mapping[str, str] | None = None) -> Network:
    """Reads and checks a namespace's proxy and CA settings; raises ``ConfigError`` naming the key."""
    env = os.environ if environ is None else environ
    proxy, proxy_setting = _first(settings, "proxyUrl", PROXY_ENV, env)
    if proxy is not None:
        proxy = _check_proxy(proxy, proxy_setting)
    no_proxy, _ = _first(settings, "noProxy", NO_PROXY_ENV, env)
    ca, ca_setting = _first(settings, "caBundlePath", CA_ENV, env)
    if ca is not None:
        ca = _check_bundle(ca, ca_setting)
    return Network(proxy, proxy_setting if proxy else None, no_proxy, ca, settings.key("caBundlePath"))


def _first(settings: Settings, key: str, env_names: tuple[str, ...], env: Mapping[str, str]) -> tuple[str | None, str]:
    """The namespace's setting (stack config, then ``<NS>_KEY``), else the first standard variable set."""
    value = settings.get(key)
    if value is not None:
        return value, settings.key(key)
    for name in env_names:
        if env.get(name):
            return env[name], f"${name}"
    return None, settings.key(key)


def _check_proxy(value: str, setting: str) -> str:
    parts = urlsplit(value if "://" in value else f"http://{value}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(setting, f"must be a proxy URL such as http://proxy.example.com:3128, got {redact_url(value)!r}")
    try:
        parts.port
    except ValueError:
        raise ConfigError(setting, f"has an invalid port: {redact_url(value)!r}") from None
    return parts.geturl()


def _check_bundle(value: str, setting: str) -> str:
    path = Path(value).expanduser()
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        raise ConfigError(setting, f"cannot read {str(path)!r}: {exc.strerror}") from None
    if PEM_MARKER not in text:
        raise ConfigError(setting, f"{str(path)!r} holds no PEM certificate ({PEM_MARKER})")
    return str(path.resolve())


_bundles: dict[tuple[str, float], str] = {}
_bundles_lock = threading.Lock()


def combined_bundle(extra: str) -> str:
    """A file holding certifi's authorities followed by ``extra``'s, made once per process and file version."""
    import certifi

    stamp = (extra, Path(extra).stat().st_mtime)
    with _bundles_lock:
        if stamp not in _bundles:
            data = Path(certifi.where()).read_text() + "\n" + Path(extra).read_text()
            digest = hashlib.sha256(data.encode()).hexdigest()[:16]
            target = Path(tempfile.gettempdir()) / f"usergroups-ca-{digest}.pem"
            if not target.exists():
                tmp = target.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(data)
                tmp.replace(target)
            _bundles[stamp] = str(target)
        return _bundles[stamp]
