"""Connection settings for both APIs: one loader for stack config and environment fallbacks.

A connection lives in a config namespace (``symphony``, ``swo``, or any other a
resource names with ``connection=``). Keys are read from the stack config the
engine hands the provider in ``configure()``; a key that is not set there falls
back to the environment variable ``<NAMESPACE>_<KEY>`` (``swo-eu:apiToken`` ->
``SWO_EU_API_TOKEN``). Nothing here is ever stored on the pickled provider.
"""

from __future__ import annotations

import ipaddress
import os
import re
from typing import Any, Callable, Mapping, Protocol, TypeVar
from urllib.parse import urlsplit

from .errors import ConfigError

T = TypeVar("T")


class ConfigSource(Protocol):
    """What ``pulumi.dynamic.Config`` offers: ``get("namespace:key")``."""

    def get(self, key: str) -> Any: ...


class EmptyConfig:
    """A config with no keys: environment variables only."""

    def get(self, key: str) -> Any:
        return None


def env_name(namespace: str, key: str) -> str:
    """``("swo-eu", "apiToken")`` -> ``"SWO_EU_API_TOKEN"``."""
    words = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key)
    return f"{namespace}_{words}".replace("-", "_").replace(".", "_").upper()


class Settings:
    """The raw settings of one namespace: stack config first, then the environment."""

    def __init__(self, namespace: str, config: ConfigSource | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self.namespace = namespace
        self._config = config or EmptyConfig()
        self._environ = os.environ if environ is None else environ

    def key(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    def get(self, name: str) -> str | None:
        value = self._config.get(self.key(name))
        if value is None or value == "":
            value = self._environ.get(env_name(self.namespace, name))
        return None if value is None or value == "" else str(value)

    def credential(self, name: str) -> str | None:
        """A credential: the environment variable first, then stack config.

        ``pulumi refresh`` and ``destroy`` configure the provider with the config stored
        at the last ``up``; a rotated credential exported as ``<NAMESPACE>_<KEY>`` is
        used by them all the same.
        """
        value = self._environ.get(env_name(self.namespace, name))
        if value:
            return value
        value = self._config.get(self.key(name))
        return None if value is None or value == "" else str(value)

    def require(self, name: str, how: str = "") -> str:
        value = self.get(name)
        if value is None:
            hint = f"; {how}" if how else ""
            raise ConfigError(self.key(name), f"is not set (stack config or ${env_name(self.namespace, name)}){hint}")
        return value

    def number(self, name: str, default: float, minimum: float = 0.0, maximum: float | None = None) -> float:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError(self.key(name), f"must be a number, got {raw!r}") from None
        if value < minimum:
            raise ConfigError(self.key(name), f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ConfigError(self.key(name), f"must be at most {maximum:g}, got {value:g}")
        return value


class Checks:
    """Runs a namespace's independent setting checks: stops at the first problem, or gathers them all.

    ``preview`` gathers, so one run names every missing or wrong setting at once.
    """

    def __init__(self, gather: bool = False) -> None:
        self.gather = gather
        self.errors: list[ConfigError] = []

    def run(self, check: Callable[[], T], default: T) -> T:
        try:
            return check()
        except ConfigError as exc:
            if not self.gather:
                raise
            self.errors.append(exc)
            return default


def check_url(settings: Settings, name: str, value: str) -> str:
    """The URL without a trailing slash; https is required except for loopback hosts."""
    parts = urlsplit(value)
    shown = redact_url(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(settings.key(name), f"must be an absolute http(s) URL, got {shown!r}")
    if parts.username or parts.password:
        raise ConfigError(settings.key(name), f"must not carry a user or password ({shown!r}); credentials have "
                                              "settings of their own")
    if parts.scheme != "https" and not is_loopback(parts.hostname):
        raise ConfigError(settings.key(name), f"must use https (plain http is allowed for loopback only), got {shown!r}")
    if parts.query or parts.fragment:
        raise ConfigError(settings.key(name), "must not have a query or fragment")
    return value.rstrip("/")


def redact_url(url: str) -> str:
    """``http://user:secret@proxy:3128`` -> ``http://***@proxy:3128``; a URL without credentials is unchanged."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Timeouts:
    """Per-connection HTTP timing: read from ``<ns>:connectTimeout``, ``readTimeout``,
    ``maxRetries`` and ``retryBudget`` (seconds), and ``writers``: how many people writes run at once."""

    KEYS = ("connectTimeout", "readTimeout", "maxRetries", "retryBudget", "writers")

    def __init__(self, settings: Settings | None = None) -> None:
        """The namespace's timing, or the defaults (``settings=None``)."""
        settings = settings or Settings("", EmptyConfig(), environ={})
        self.connect = settings.number("connectTimeout", 5.0, minimum=0.1)
        self.read = settings.number("readTimeout", 30.0, minimum=0.1)
        self.max_retries = int(settings.number("maxRetries", 10, minimum=0))
        self.retry_budget = settings.number("retryBudget", 60.0, minimum=0.0)
        # Neither API publishes a rate limit: eight keeps a burst small; a 429 pauses every writer together.
        self.writers = int(settings.number("writers", 8, minimum=1, maximum=32))

    def key(self) -> tuple[float, float, int, float, int]:
        return (self.connect, self.read, self.max_retries, self.retry_budget, self.writers)
