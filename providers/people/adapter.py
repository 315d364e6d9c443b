"""What each API tells the people engine: who these names are, who is in a group, add one, remove one."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from ..errors import ApiError, ProviderError
from ..lifecycle import Api

PersonId = Union[int, str]


@dataclass(frozen=True)
class Person:
    """One account as an API lists it: its id, how it is shown, and the values that name it.

    ``names`` are what a declaration may say to mean this person (a username; an id and an
    address); ``extra`` are outputs an additive resource stores beside the id (an address).
    """

    id: PersonId
    shown: str
    names: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


class PeopleAdapter(ABC):
    """One kind of person in one tenant (a pod's members, a pod's assignees, an account's users).

    The engine (``providers.people.engine``) does everything else: resolving, planning the
    difference, claims between a list and additive resources, writes, errors. An adapter
    answers the API's own questions and raises ``ApiError``/``ProviderError`` as its client does.
    """

    api: ClassVar[Api]  # how the providers reach the API
    api_name: ClassVar[str]  # how messages name the API, e.g. "Symphony"
    noun: ClassVar[str]  # one person of this kind, e.g. "member"
    remove_verb: ClassVar[str] = "remove"  # "deactivate" where the API keeps the link
    list_resource: ClassVar[str] = ""  # the resource of a whole list of them (where there is one)
    one_resource: ClassVar[str] = ""  # the resource of one of them
    where: str = "this tenant"  # how messages name the directory people come from, e.g. "this pod"
    scope: tuple[str, ...] = ()  # which tenant (API, connection, account): claims and lookups are per scope
    tenant: str = ""  # the API's address: records in the project folder stay with the tenant they were made in
    # Whether a whole list and additive resources of this kind can both exist for one group.
    has_list_form: ClassVar[bool] = True
    bulk_from: ClassVar[int | None] = None  # from this many changes, one replace-all instead of one write each
    gone_on_remove: ClassVar[tuple[int, ...]] = (404,)  # statuses that mean "nothing left to remove"

    def __init__(self, client: Any, inputs: Any) -> None:
        """``client``: the connection's API client; ``inputs``: the resource's (they name the tenant)."""

    @property
    def writers(self) -> int:
        """How many of this group's people writes run at once: the connection's ``writers`` setting."""
        return int(self.client.http.timeouts.writers)

    @property
    def removing(self) -> str:
        """The removal's -ing form, for messages: "removing", "deactivating"."""
        return self.remove_verb[:-1] + "ing"

    @abstractmethod
    def look_up(self, values: list[str]) -> list[Person]:
        """The people some of ``values`` name (batched; values nobody has are simply absent)."""

    @abstractmethod
    def current(self, group_id: str) -> list[Person] | None:
        """Who is in the group now (every page); ``None`` when the API says the group does not exist."""

    def read(self, group_id: str) -> list[Person] | None:
        """Like ``current``, for ``refresh``: an API whose listing cannot tell a missing group asks for it too."""
        return self.current(group_id)

    @abstractmethod
    def holds(self, group_id: str, person_id: PersonId) -> Person | None:
        """The person when they are in the group now, else ``None`` (one request, not the whole group)."""

    @abstractmethod
    def add(self, group_id: str, person_id: PersonId) -> None:
        """Puts one person in the group; an idempotent write (already in is no change)."""

    @abstractmethod
    def remove(self, group_id: str, person_id: PersonId) -> None:
        """Takes one person out of the group; an idempotent write."""

    def replace_all(self, group_id: str, people: list[Person]) -> bool:
        """Exactly these people in the group, in one write (only where ``bulk_from`` is set).

        False, having written nothing, when the write cannot name one of them (the caller then
        writes person by person, by id).
        """
        raise ProviderError(f"the API has no replace-all of a group's {self.noun}s")

    def needs_another_group(self, refusal: ApiError) -> bool:
        """Whether the API refused a removal only because the person would be left in no group."""
        return False

    def refusal_hint(self, refusal: ApiError) -> str:
        """The next step for a refused removal, where the API's rule is known ("" otherwise)."""
        return ""

    def matching(self, query: Any) -> list[Person]:
        """The active people a directory query (already validated) matches, exactly: each with the name a
        list declares them by (``shown``). An adapter whose API has no directory search cannot be queried."""
        raise ProviderError(f"{self.api_name} {self.noun}s cannot be chosen by a query")

    def why_not(self, query: Any, values: list[str]) -> dict[str, str]:
        """Why each of these people, matched before, no longer matches (where the API can tell)."""
        return {}

    @abstractmethod
    def parse_id(self, stored: Any) -> PersonId:
        """A person id as the state stores it (the engine keeps every number as a float)."""

    @staticmethod
    def key(value: str) -> str:
        """What two values naming one person have in common (the directory's key): exact by default;
        an adapter says what its API's comparison is, never anything broader."""
        return value

    @abstractmethod
    def unknown(self, group: str, values: list[str]) -> ProviderError:
        """The one-line refusal for values that name nobody of this tenant."""


def joining_and_leaving(adapter: type[PeopleAdapter], before: Any, after: Any) -> tuple[list[str], list[str]] | None:
    """Who an update of a list adds and who it takes out, as declared and compared as the API compares
    names; ``None`` while there is nothing stored yet or the new list is not known (at preview)."""
    if not isinstance(before, list) or not isinstance(after, list) or any(not isinstance(v, str) for v in after):
        return None
    had, has = {adapter.key(v) for v in before if isinstance(v, str)}, {adapter.key(v) for v in after}
    return ([v for v in after if adapter.key(v) not in had],
            [v for v in before if isinstance(v, str) and adapter.key(v) not in has])
