"""The dynamic providers of people resources: the lifecycle's entry points over the people engine."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Callable, ClassVar, Generic, TypeVar

from pulumi.dynamic import CheckFailure

from ..errors import ProviderError
from ..fields import ResourceInputs
from ..lifecycle import Provider
from ..notices import warn
from .adapter import PeopleAdapter
from .directory import directory
from .engine import OnePerson, PeopleList

I = TypeVar("I", bound=ResourceInputs)


def check_people(field: str, group: str, resolve: Callable[[], list[str]],
                 refusal: Callable[[str, list[str]], ProviderError]) -> list[CheckFailure]:
    """The preview-time check of a people field: ``resolve()`` answers who the API does not know, and each
    is refused naming ``field`` and ``group``. When the API cannot be asked, the check is left to the
    first write (with a warning), so that an offline preview still works."""
    try:
        missing = resolve()
    except ProviderError as exc:
        warn(f"could not check the {field} of {group} at preview ({exc}); they are checked when written")
        return []
    return [CheckFailure(field, f"{field}: {refusal(group, missing)}")] if missing else []


class PeopleProvider(Provider[I], Generic[I]):
    """What every people provider shares: its adapter, its people field, and names checked at preview."""

    lookup = False  # every people write is an idempotent upsert: nothing to look up before a create
    people_field: ClassVar[str]  # the input holding the declared people (a list, or one value)
    conflict: ClassVar[str] = ""  # why a list and additive resources cannot share a group (when they can exist)

    @abstractmethod
    def adapter(self, inputs: I) -> PeopleAdapter:
        """The adapter for the tenant ``inputs`` name (its connection, and its account where there is one)."""

    def group_fields(self) -> tuple[str, ...]:
        """The inputs that name the group (the natural key less the connection and the person)."""
        return tuple(f for f in self.natural_key_fields if f not in ("connection", self.people_field))

    def declared(self, inputs: I) -> list[str]:
        """The people ``inputs`` declare (absent while unknown at preview)."""
        value = getattr(inputs, self.people_field, None)
        return list(value) if isinstance(value, list) else [value] if isinstance(value, str) else []

    def check_online(self, inputs: I, olds: dict[str, Any], unknown: set[str]) -> list[CheckFailure]:
        """People the API does not know fail at preview, when it answers; otherwise at the first write.
        A group still to be created (its id unknown) does not stop the check: people belong to the tenant.
        What the applied inputs held was checked before and is not asked again."""
        same_group = olds.get("group_id") == getattr(inputs, "group_id", None)
        applied = olds.get(self.people_field) if same_group else None
        applied_set = set(applied) if isinstance(applied, list) else {applied} if applied else set()
        values = [v for v in self.declared(inputs) if v not in applied_set]
        tenant = {"connection", *self.group_fields()} - {"group_id"}
        if not values or unknown & {self.people_field, *tenant}:
            return []
        group = "the new group" if "group_id" in unknown else getattr(inputs, "group_id")
        adapter = self.adapter(inputs)
        return check_people(self.people_field, group, lambda: directory(adapter).resolve(adapter, values)[1],
                            adapter.unknown)


class PeopleListProvider(PeopleProvider[I], Generic[I]):
    """A provider of a group's whole list of people."""

    natural_key_hint = "group"

    def service(self, inputs: I) -> PeopleList[I]:
        return PeopleList(self.adapter(inputs), self.people_field, self.group_fields(), self.conflict)


class OnePersonProvider(PeopleProvider[I], Generic[I]):
    """A provider of one person in a group (additive)."""

    def service(self, inputs: I) -> OnePerson[I]:
        return OnePerson(self.adapter(inputs), self.people_field, self.group_fields(), self.conflict)
