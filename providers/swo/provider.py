"""``SwoUserGroupProvider``: the SoftwareOne user-group lifecycle over ``SwoClient``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..cache import shared
from ..config import Checks, ConfigSource, Settings, Timeouts, check_url
from ..errors import ApiError, ConfigError, ProviderError
from ..lifecycle import Api, Provider, Service, as_resource
from ..listing import Pages
from ..network import KEYS as NETWORK_KEYS
from ..network import Network, network_settings
from .inputs import SwoUserGroupInputs

if TYPE_CHECKING:
    from .client import SwoClient

DEFAULT_API_URL = "https://api.platform.softwareone.com"
# Every key a SoftwareOne connection namespace may hold; the credential ones must be secrets.
CREDENTIALS = ("apiToken",)
SETTINGS = ("apiUrl", *CREDENTIALS, *Timeouts.KEYS, "pendingWindow", *NETWORK_KEYS)


class BearerAuth:
    """``Authorization: Bearer <API token>``; a 401 is final (tokens do not refresh)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def refresh(self, used: dict[str, str]) -> bool:
        return False

    def secrets(self) -> list[str]:
        return [self._token]


def connection_settings(namespace: str, config: ConfigSource,
                        checks: Checks | None = None) -> tuple[str, str, Timeouts, Network]:
    """The API URL, token, timeouts and network of one namespace; raises ``ConfigError`` naming the key
    (with ``checks`` gathering, every problem is recorded there instead)."""
    s, c = Settings(namespace, config), checks or Checks()
    url = c.run(lambda: check_url(s, "apiUrl", s.get("apiUrl") or DEFAULT_API_URL), "")
    token = c.run(lambda: _token(s), "")
    timeouts = c.run(lambda: Timeouts(s), Timeouts())  # the defaults stand in only while gathering problems
    network = c.run(lambda: network_settings(s), Network())
    return url, token, timeouts, network


def _token(s: Settings) -> str:
    token = s.credential("apiToken") or s.require(
        "apiToken", f"set it with `pulumi config set --secret {s.key('apiToken')} <token>`")
    if any(ch.isspace() for ch in token):
        raise ConfigError(s.key("apiToken"), "contains whitespace; paste the token exactly as issued")
    return token


def connection_problems(namespace: str, config: ConfigSource) -> list[ConfigError]:
    """Everything missing or wrong in a namespace's settings, found offline (every resource kind's preview)."""
    checks = Checks(gather=True)
    connection_settings(namespace, config, checks)
    return checks.errors


def connect(namespace: str, config: ConfigSource) -> "SwoClient":
    """The process-wide client for a namespace, built on first use."""
    # Imported here: a program that only declares groups never needs the HTTP stack.
    from ..http import HttpClient
    from .client import API_NAME, SwoClient, parse_error

    url, token, timeouts, network = connection_settings(namespace, config)
    auth = BearerAuth(token)
    return shared(("swo", namespace, url, timeouts.key(), network.key()),
                  lambda: SwoClient(HttpClient(API_NAME, url, timeouts, auth, parse_error, secrets=auth.secrets,
                                               network=network)))


API = Api(connect, connection_problems)  # how every provider of this API reaches it


class SwoGroupService(Service[SwoUserGroupInputs]):
    """SoftwareOne user groups in resource terms."""

    def __init__(self, client: "SwoClient") -> None:
        self.client = client

    def get(self, group_id: str, inputs: SwoUserGroupInputs, stored: dict[str, Any]) -> dict[str, Any] | None:
        group = self.client.get(group_id)
        return None if group is None else as_resource(group)

    def find(self, inputs: SwoUserGroupInputs) -> list[dict[str, Any]]:
        return [as_resource(g) for g in self.client.find_by_name(inputs.account_id, inputs.name)]

    def scope(self, inputs: SwoUserGroupInputs) -> tuple[str, ...]:
        return (inputs.account_id,)

    def scan(self, inputs: SwoUserGroupInputs) -> list[dict[str, Any]]:
        return [as_resource(g) for g in self.client.in_account(inputs.account_id)]

    def pages(self, inputs: SwoUserGroupInputs) -> Pages:
        return ([as_resource(g) for g in page] for page in self.client.account_pages(inputs.account_id))

    def create(self, inputs: SwoUserGroupInputs) -> dict[str, Any]:
        return as_resource(self.client.create(inputs.create_body()))

    def update(self, group_id: str, inputs: SwoUserGroupInputs, olds: dict[str, Any]) -> dict[str, Any]:
        return as_resource(self.client.update(group_id, inputs.update_body()))

    def created_at(self, group: dict[str, Any]) -> float | None:
        stamp = group.get("created_at")
        if not stamp:
            return None
        try:
            return datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None

    def remove(self, group_id: str, outputs: dict[str, Any]) -> None:
        if outputs.get("is_default"):
            raise ProviderError(
                f"{group_id} is the account's default group, which the API never deletes; "
                "keep it in the program, or drop it from the stack with `pulumi state delete <urn>`")
        try:
            self.client.delete(group_id)
        except ApiError as exc:
            if exc.status != 400:
                raise
            current = self.client.get(group_id)
            if current is None:
                return
            if current.is_default:
                raise ProviderError(f"{group_id} is the account's default group, which cannot be deleted") from None
            users = len(current.users or [])
            if users:
                raise ProviderError(
                    f"the group still has {users} user(s); move them to another group (account users' groups "
                    "in the Marketplace portal or API), then run `pulumi destroy` again, or set "
                    "retain_on_delete to leave the group in place") from None
            raise


class SwoUserGroupProvider(Provider[SwoUserGroupInputs]):
    """The dynamic provider behind ``SwoUserGroup``.

    Holds no client, token or session: ``configure()`` keeps the engine's config
    view in the provider process, and clients are built there on first use.
    """

    kind = "SoftwareOne user group"
    inputs_model = SwoUserGroupInputs
    natural_key_hint = "name"
    api = API

    def service(self, inputs: SwoUserGroupInputs) -> SwoGroupService:
        return SwoGroupService(self.client(inputs.connection))

