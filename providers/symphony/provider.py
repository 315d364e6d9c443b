"""``SymphonyUserGroupProvider``: the Symphony user-group lifecycle over ``SymphonyClient``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import shared
from ..config import Checks, ConfigSource, Settings, Timeouts, check_url
from ..errors import ApiError, ConfigError
from ..lifecycle import Api, Provider, Service, as_resource
from ..listing import Pages
from ..network import KEYS as NETWORK_KEYS
from ..network import Network, network_settings
from .keys import load_private_key
from .inputs import SymphonyUserGroupInputs
from .models import DOCUMENTED_TYPES, UserGroupUpdate

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from .client import SymphonyClient


# Every key a Symphony connection namespace may hold; the credential ones must be secrets.
CREDENTIALS = ("botPrivateKey", "sessionToken")
SETTINGS = ("podUrl", "sessionAuthUrl", "botUsername", "botPrivateKeyPath", *CREDENTIALS, *Timeouts.KEYS, "pendingWindow",
            *NETWORK_KEYS)


@dataclass(frozen=True)
class SymphonyConnection:
    """One pod's settings: where it is and how to authenticate (key or token, never both used)."""

    pod_url: str
    login_url: str
    timeouts: Timeouts
    network: Network
    username: str | None = None
    private_key: "RSAPrivateKey | None" = None
    session_token: str | None = None


def connection_settings(namespace: str, config: ConfigSource, checks: Checks | None = None) -> SymphonyConnection:
    """Reads and checks a namespace's settings offline; raises ``ConfigError`` naming the key
    (with ``checks`` gathering, every problem is recorded there instead)."""
    s, c = Settings(namespace, config), checks or Checks()
    pod_url = c.run(lambda: check_url(s, "podUrl", s.require("podUrl", "for example https://acme.symphony.com")), "")
    login_url = c.run(lambda: check_url(s, "sessionAuthUrl", s.get("sessionAuthUrl") or pod_url or "https://x"), "")
    timeouts = c.run(lambda: Timeouts(s), Timeouts())  # the defaults stand in only while gathering problems
    network = c.run(lambda: network_settings(s), Network())
    return c.run(lambda: _credentials(s, pod_url, login_url, timeouts, network),
                 SymphonyConnection(pod_url, login_url, timeouts, network))


def _credentials(s: Settings, pod_url: str, login_url: str, timeouts: Timeouts, network: Network) -> SymphonyConnection:
    pem, key_name = s.credential("botPrivateKey"), s.key("botPrivateKey")
    if pem is None and s.get("botPrivateKeyPath"):
        path = Path(s.get("botPrivateKeyPath") or "").expanduser()
        key_name = s.key("botPrivateKeyPath")
        try:
            pem = path.read_text()
        except OSError as exc:
            raise ConfigError(key_name, f"cannot read {str(path)!r}: {exc.strerror}") from None
    if pem is not None:
        username = s.require("botUsername", "the service account's username, which signs the login JWT")
        return SymphonyConnection(pod_url, login_url, timeouts, network, username, load_private_key(pem, key_name))
    token = s.credential("sessionToken")
    if token is not None:
        return SymphonyConnection(pod_url, login_url, timeouts, network, session_token=token)
    raise ConfigError(
        s.key("botPrivateKey"),
        f"no credentials: set {s.key('botUsername')} and {s.key('botPrivateKey')} (secret) or "
        f"{s.key('botPrivateKeyPath')}, or set {s.key('sessionToken')} (secret)")


def connection_problems(namespace: str, config: ConfigSource) -> list[ConfigError]:
    """Everything missing or wrong in a namespace's settings, found offline (every resource kind's preview)."""
    checks = Checks(gather=True)
    connection_settings(namespace, config, checks)
    return checks.errors


def connect(namespace: str, config: ConfigSource) -> "SymphonyClient":
    """The process-wide client (and session) for a namespace, built on first use."""
    # Imported here: a program that only declares groups never needs the HTTP or JWT stack.
    from ..http import HttpClient
    from .auth import NoAuth, RsaSessionAuth, StaticSessionAuth
    from .client import API_NAME, SymphonyClient, hint_for, parse_error

    c = connection_settings(namespace, config)

    def build() -> SymphonyClient:
        auth: RsaSessionAuth | StaticSessionAuth
        if c.private_key is not None:
            login = HttpClient(API_NAME, c.login_url, c.timeouts, NoAuth(), parse_error, hint_for=hint_for,
                               network=c.network)
            auth = RsaSessionAuth(login, c.username or "", c.private_key)
        else:
            auth = StaticSessionAuth(c.session_token or "")
        return SymphonyClient(HttpClient(API_NAME, c.pod_url, c.timeouts, auth, parse_error,
                                         secrets=auth.secrets, hint_for=hint_for, network=c.network))

    return shared(("symphony", namespace, c.pod_url, c.username, c.timeouts.key(), c.network.key()), build)


API = Api(connect, connection_problems)  # how every provider of this API reaches it


class SymphonyGroupService(Service[SymphonyUserGroupInputs]):
    """Symphony user groups in resource terms. Deleting means deactivating: the API has no DELETE."""

    def __init__(self, client: "SymphonyClient") -> None:
        self.client = client

    def get(self, group_id: str, inputs: SymphonyUserGroupInputs, stored: dict[str, Any]) -> dict[str, Any] | None:
        group = self.client.get(group_id)
        return None if group is None else as_resource(group)

    def find(self, inputs: SymphonyUserGroupInputs) -> list[dict[str, Any]]:
        return [as_resource(g) for g in self.client.find_by_name(inputs.type, inputs.name)]

    def scope(self, inputs: SymphonyUserGroupInputs) -> tuple[str, ...]:
        return (inputs.type,)

    def scan(self, inputs: SymphonyUserGroupInputs) -> list[dict[str, Any]]:
        return [as_resource(g) for g in self.client.list(inputs.type)]

    def pages(self, inputs: SymphonyUserGroupInputs) -> Pages:
        return ([as_resource(g) for g in page] for page in self.client.pages(inputs.type))

    def create(self, inputs: SymphonyUserGroupInputs) -> dict[str, Any]:
        return as_resource(self.client.create(inputs.create_body()))

    def update(self, group_id: str, inputs: SymphonyUserGroupInputs, olds: dict[str, Any]) -> dict[str, Any]:
        return as_resource(self.client.update(group_id, inputs.update_body()))

    def created_at(self, group: dict[str, Any]) -> float | None:
        stamp = group.get("created_date")  # epoch milliseconds
        return stamp / 1000.0 if isinstance(stamp, (int, float)) else None

    def last_changed(self, group: dict[str, Any]) -> float:
        stamp = group.get("modified_date")
        return stamp / 1000.0 if isinstance(stamp, (int, float)) else 0.0

    def remove(self, group_id: str, outputs: dict[str, Any]) -> None:
        try:
            self.client.update(group_id, UserGroupUpdate(active=False))
        except ApiError as exc:
            if exc.status != 404:
                raise


class SymphonyUserGroupProvider(Provider[SymphonyUserGroupInputs]):
    """The dynamic provider behind ``SymphonyUserGroup``.

    Holds no client, key or session: ``configure()`` keeps the engine's config
    view in the provider process; the session is made there once and shared.
    """

    kind = "Symphony user group"
    inputs_model = SymphonyUserGroupInputs
    natural_key_hint = "name (or type)"
    api = API

    def service(self, inputs: SymphonyUserGroupInputs) -> SymphonyGroupService:
        return SymphonyGroupService(self.client(inputs.connection))


    def is_live(self, outputs: dict[str, Any]) -> bool:
        return bool(outputs.get("active", True))

    def check_warnings(self, inputs: SymphonyUserGroupInputs) -> list[str]:
        if inputs.type not in DOCUMENTED_TYPES:
            return [f"group {inputs.name!r}: type {inputs.type!r} is not documented by Symphony "
                    f"(documented: {', '.join(DOCUMENTED_TYPES)}); it is passed to the API as is"]
        return []
