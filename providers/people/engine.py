"""The people engine: a group's whole list of people, or one person in it, written through an adapter.

Both services keep to the same rules, whatever the API:

- declared values are resolved to people once per run, and only values not resolved before
  (in state) are looked up;
- a list writes only the difference from the stored state (``refresh`` brings it up to date),
  per person or, from ``adapter.bulk_from`` changes on, with one replace-all;
- a list and additive resources for one group are refused in one run, and the delete of
  one never removes a person the other took over in the same run (``claims``);
- a delete removes exactly the declared people, never everyone a refresh found;
- an additive person already in place is taken over without a write.
"""

from __future__ import annotations

from typing import Any, Generic, Iterable, TypeVar

from ..errors import ApiError, ProviderError
from ..fields import ResourceInputs
from ..lifecycle import Service
from .adapter import PeopleAdapter, Person, PersonId
from .arrivals import arrivals
from .claims import ADD, LIST, claims, enter_form, leave_claimed
from .directory import directory
from .journal import WriteJournal
from .late_grants import key as grant_key
from .writes import write_each

I = TypeVar("I", bound=ResourceInputs)


def resolve(adapter: PeopleAdapter, group: str, values: list[str],
            known: dict[str, PersonId] | None = None) -> dict[str, PersonId]:
    """``{value: person id}`` for every declared value; values nobody has fail naming them and ``group``."""
    known = known or {}
    found, missing = directory(adapter).resolve(adapter, [v for v in values if v not in known])
    if missing:
        raise adapter.unknown(group, missing)
    resolved = {v: known[v] if v in known else found[v].id for v in values}
    first: dict[PersonId, str] = {}
    for value, person_id in resolved.items():
        other = first.setdefault(person_id, value)
        if other != value:
            raise ProviderError(f"{other} and {value} are the same {adapter.noun} ({person_id}) of {group}; "
                                "declare each person once")
    return resolved


def add_each(adapter: PeopleAdapter, group_id: str, ids: Iterable[PersonId]) -> None:
    def add(person: PersonId) -> None:
        adapter.add(group_id, person)
        arrivals(adapter.scope).arrived(person, group_id)

    write_each(f"adding {adapter.noun}", group_id, ids, add, writers=adapter.writers)


def remove_each(adapter: PeopleAdapter, group_id: str, ids: Iterable[PersonId]) -> None:
    def remove(person: PersonId) -> None:
        try:
            adapter.remove(group_id, person)
        except ApiError as exc:
            # The API keeps everyone in some group: a move within this run waits for the add, then goes on.
            if not adapter.needs_another_group(exc) or not arrivals(adapter.scope).wait_elsewhere(person, group_id):
                raise
            adapter.remove(group_id, person)

    write_each(f"{adapter.removing} {adapter.noun}", group_id, ids, remove, done_on=adapter.gone_on_remove,
               hint=adapter.refusal_hint, writers=adapter.writers)


class _People(Service[I], Generic[I]):
    """What both services know: the adapter, the inputs' people field and the group's own fields."""

    def __init__(self, adapter: PeopleAdapter, field: str, group_fields: tuple[str, ...], conflict: str,
                 journal: WriteJournal | None = None) -> None:
        self.adapter, self.field, self.group_fields, self.conflict = adapter, field, group_fields, conflict
        self.journal = journal or WriteJournal(("people", *adapter.scope))

    def _group(self, source: Any) -> dict[str, Any]:
        get = source.get if isinstance(source, dict) else lambda f: getattr(source, f, None)
        return {f: get(f) for f in self.group_fields}

    def _enter(self, group_id: str, form: str) -> None:
        enter_form(self.adapter, group_id, form, self.conflict)


class PeopleList(_People[I], Generic[I]):
    """A group's whole list of people (authoritative). The resource id is the group id."""

    def create(self, inputs: I) -> dict[str, Any]:
        group_id, values = getattr(inputs, "group_id"), list(getattr(inputs, self.field))
        self._enter(group_id, LIST)
        resolved = resolve(self.adapter, group_id, values)
        current = self.adapter.current(group_id)
        if current is None:
            raise ProviderError(f"group {group_id} does not exist in {self.adapter.where}")
        with self.journal.writing(group_id):
            self._apply(group_id, values, {p.id for p in current}, resolved, current)
        # Whom the new list took out (in the group before, not declared), so that a return is noticed.
        evicted = {p.id for p in current} - set(resolved.values())
        return {**self._outputs(inputs, values, resolved), "evicted": sorted(evicted, key=_order)}

    def update(self, id_: str, inputs: I, olds: dict[str, Any]) -> dict[str, Any]:
        # Only the difference from the stored state: a one-person change is one write, not a listing.
        group_id, values = getattr(inputs, "group_id"), list(getattr(inputs, self.field))
        self._enter(group_id, LIST)
        declared = set(values)  # membership tests against a set: lists of 20,000 names stay linear
        known = {v: self.adapter.parse_id(p) for v, p in (olds.get("resolved") or {}).items() if v in declared}
        resolved = resolve(self.adapter, group_id, values, known)
        before = {self.adapter.parse_id(p) for p in olds.get("user_ids") or []}
        current = None
        if self.journal.unsettled(group_id):  # an earlier write did not finish: the state may be wrong
            current = self.adapter.current(group_id) or []
            before = {p.id for p in current}
        with self.journal.writing(group_id):
            self._apply(group_id, values, before, resolved, current)
        # Who this update removed without the list having declared them (drift), so that a return is noticed.
        declared_before = {self.adapter.parse_id(p) for p in (olds.get("resolved") or {}).values()}
        evicted_before = {self.adapter.parse_id(p) for p in olds.get("evicted") or []}
        evicted = ((before - declared_before) | evicted_before) - set(resolved.values())
        return {**self._outputs(inputs, values, resolved), "evicted": sorted(evicted, key=_order)}

    def _apply(self, group_id: str, values: list[str], before: set[PersonId],
               resolved: dict[str, PersonId], current: list[Person] | None = None) -> None:
        wanted = set(resolved.values())
        claims(self.adapter).claim(group_id, map(str, wanted), LIST)
        add, drop = wanted - before, before - wanted
        bulk = self.adapter.bulk_from
        if bulk is not None and len(add) + len(drop) >= bulk and self._replace(group_id, values, resolved, current):
            return
        add_each(self.adapter, group_id, add)
        remove_each(self.adapter, group_id, drop)

    def _replace(self, group_id: str, values: list[str], resolved: dict[str, PersonId],
                 current: list[Person] | None) -> bool:
        """One replace-all to the declared people, as the API lists them; False when it cannot name them all."""
        listed = current if current is not None else self.adapter.current(group_id)
        people = {p.id: p for p in listed or []}
        found, _ = directory(self.adapter).resolve(self.adapter, [v for v in values if resolved[v] not in people])
        people.update({p.id: p for p in found.values()})
        wanted = [people[resolved[v]] for v in values if resolved[v] in people]
        return len(wanted) == len(values) and self.adapter.replace_all(group_id, wanted)

    def get(self, id_: str, inputs: I, stored: dict[str, Any]) -> dict[str, Any] | None:
        group_id = getattr(inputs, "group_id")
        people = self.adapter.read(group_id)
        self.journal.settle(group_id)  # what was just read is the truth, once no late write can land
        if people is None:
            return None
        resolved = {v: self.adapter.parse_id(p) for v, p in (stored.get("resolved") or {}).items()}
        declared = {p: v for v, p in resolved.items()}
        names = {p.id: declared.get(p.id) or p.shown for p in people}  # the declared spelling where there is one
        values = list(names.values())
        in_group = set(values)
        evicted = {self.adapter.parse_id(p) for p in stored.get("evicted") or []}
        # A release before 0.3.0 stored the ids as a list: a refresh keeps that shape (no change on upgrade).
        ids = sorted(names, key=_order) if isinstance(stored.get("user_ids"), list) else by_id(names)
        return {"id": id_, **self._group(inputs), self.field: values, "user_ids": ids,
                "resolved": {v: p for v, p in resolved.items() if v in in_group},
                "evicted": sorted(evicted, key=_order),
                # Each by every name a declaration may use, so that declaring them (however spelled) is seen.
                "returned": {p.shown: [p.shown, *p.names] for p in people if p.id in evicted and p.id not in declared}}

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        # Exactly the people this resource manages (as declared), not everyone a refresh found.
        group_id = outputs["group_id"]
        declared = {str(self.adapter.parse_id(p)) for p in (outputs.get("resolved") or {}).values()}
        managed = {self.adapter.parse_id(p) for p in leave_claimed(self.adapter, group_id, declared, LIST)}
        with self.journal.writing(group_id):
            self._remove_all(group_id, managed)

    def _remove_all(self, group_id: str, managed: set[PersonId]) -> None:
        bulk = self.adapter.bulk_from
        if bulk is None or len(managed) < bulk:
            remove_each(self.adapter, group_id, managed)
            return
        current = self.adapter.current(group_id)
        if current is None:  # the group is gone, and its people with it
            return
        if not self.adapter.replace_all(group_id, [p for p in current if p.id not in managed]):
            remove_each(self.adapter, group_id, managed)  # by id: someone the replace cannot name stays

    def _outputs(self, inputs: I, values: list[str], resolved: dict[str, PersonId]) -> dict[str, Any]:
        return {"id": getattr(inputs, "group_id"), **self._group(inputs), self.field: values,
                "user_ids": by_id({p: v for v, p in resolved.items()}), "resolved": resolved, "returned": {}}


class OnePerson(_People[I], Generic[I]):
    """One person in a group (additive: the group's others are left alone); the id is ``<group>/<person>``."""

    def create(self, inputs: I) -> dict[str, Any]:
        group_id, value = getattr(inputs, "group_id"), getattr(inputs, self.field)
        self._enter(group_id, ADD)
        found, missing = directory(self.adapter).resolve(self.adapter, [value])
        if missing:
            raise self.adapter.unknown(group_id, missing)
        person = found[value]
        claims(self.adapter).claim(group_id, [str(person.id)], ADD)
        # Taking over what is already so writes nothing (an adopted tenant's first `up` stays read-only).
        held = self.adapter.holds(group_id, person.id)
        # Journaled before it is sent: a grant with no answer may land after this create failed, when no
        # resource is left to own it (``late_grants``); a created resource owns it, so the record goes.
        record = grant_key(f"{group_id}/{person.id}", self._group(inputs), self.adapter.tenant)
        if held is None:
            with self.journal.writing(record):
                add_each(self.adapter, group_id, [person.id])
        self.journal.forget(record)
        return self._outputs(inputs, value, held or person)

    def update(self, id_: str, inputs: I, olds: dict[str, Any]) -> dict[str, Any]:
        return self.create(inputs)  # every argument forces a replace; only the stored outputs may differ

    def get(self, id_: str, inputs: I, stored: dict[str, Any]) -> dict[str, Any] | None:
        group_id, _, person_id = id_.rpartition("/")
        held = self.adapter.holds(group_id, self.adapter.parse_id(person_id))
        if held is None:
            return None  # the group is gone, or the person left it outside Pulumi
        return {**self._outputs(inputs, stored.get(self.field) or held.shown, held), "id": id_,
                "group_id": group_id}

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        group_id, _, person_id = id_.rpartition("/")
        if leave_claimed(self.adapter, group_id, {person_id}, ADD):
            remove_each(self.adapter, group_id, [self.adapter.parse_id(person_id)])

    def _outputs(self, inputs: I, value: str, person: Person) -> dict[str, Any]:
        group_id = getattr(inputs, "group_id")
        return {"id": f"{group_id}/{person.id}", **self._group(inputs), self.field: value, "user_id": person.id,
                **person.extra}


def by_id(names: dict[PersonId, str]) -> dict[str, str]:
    """``{id: name}`` in id order: each person by id with the name they are declared by (or the API shows),
    a map so that a refresh names whoever joined or left, where a list of ids would shift by position.
    Reading it back (``for p in user_ids``) gives the ids, as the list stored before 0.3.0 did."""
    return {str(p): names[p] for p in sorted(names, key=_order)}


def _order(person_id: PersonId) -> tuple[int, str]:
    """Ids sort as numbers where they are numbers (pod ids), else as text."""
    return (person_id, "") if isinstance(person_id, int) else (0, person_id)
