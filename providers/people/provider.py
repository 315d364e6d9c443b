"""The dynamic providers of people resources: the lifecycle's entry points over the people engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Generic, TypeVar, cast

from pulumi.dynamic import CheckFailure, CheckResult, DiffResult

from ..errors import ProviderError, some
from .. import pending
from ..config import Settings
from ..fields import ResourceInputs, fields_where, removals_allowed, titled
from ..keyed import load
from ..lifecycle import Provider, one_line
from ..notices import tell, warn
from .adapter import PeopleAdapter, PersonId, joining_and_leaving
from .arrivals import arrivals
from .claims import ADD, LIST, enter_form
from .declarations import declarations
from .directory import directory
from .engine import OnePerson, PeopleList
from . import late_grants, queries
from .journal import WriteJournal

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
    """What every people provider shares: its adapter, its people field, and names checked at preview.

    A concrete class names only its ``inputs_model`` and ``adapter_class``: the people field comes
    from the model's metadata (``people=True``), the API, wording and conflict from the adapter.
    """

    lookup = False  # every people write is an idempotent upsert: nothing to look up before a create
    form: ClassVar[str] = ADD  # a whole list (``LIST``) or one person (``ADD``)
    journal_kind: ClassVar[str] = late_grants.SCOPE  # where its unfinished writes are journaled
    people_field: ClassVar[str] = ""  # the input holding the declared people (a list, or one value)
    conflict: ClassVar[str] = ""  # why a list and additive resources cannot share a group
    moved_hint = "the person keeps their access under the new declaration; nothing to do"
    # The adapter's class, called with the connection's client and the inputs (which name the tenant).
    adapter_class: ClassVar[type[PeopleAdapter]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "inputs_model" in cls.__dict__ and "adapter_class" in cls.__dict__:
            adapter = cls.adapter_class
            (cls.people_field,) = fields_where(cls.inputs_model, "people")
            cls.api = adapter.api
            cls.conflict = conflict(adapter)
            cls.describe(adapter)

    @classmethod
    def describe(cls, adapter: type[PeopleAdapter]) -> None:
        """Sets how messages name this kind and its natural key."""

    def window(self, connection: str) -> float:
        """How long after a write with no answer it may still land (``<ns>:pendingWindow``)."""
        return Settings(connection, self.config).number("pendingWindow", pending.DEFAULT_WINDOW)

    def journal(self, connection: str) -> WriteJournal:
        """The unfinished writes of this kind in the connection: a list's groups, or additive grants."""
        return WriteJournal((self.journal_kind, type(self).__name__, connection), self.window(connection))

    def adapter(self, inputs: I) -> PeopleAdapter:
        """The adapter for the tenant ``inputs`` name (its connection, and its account where there is one)."""
        return self.adapter_class(self.client(inputs.connection), inputs)

    def group_fields(self) -> tuple[str, ...]:
        """The inputs that name the group (the natural key less the connection and the person)."""
        return tuple(f for f in self.natural_key_fields if f not in ("connection", self.people_field))

    def declared(self, inputs: I) -> list[str]:
        """The people ``inputs`` declare (absent while unknown at preview)."""
        value = getattr(inputs, self.people_field, None)
        return list(value) if isinstance(value, list) else [value] if isinstance(value, str) else []

    def holder(self, inputs: I) -> str:
        """How messages name this resource among the group's other people resources."""
        return f"additive {self.adapter_class.noun} {', '.join(self.declared(inputs))}"

    def check_online(self, inputs: I, olds: dict[str, Any], unknown: set[str]) -> list[CheckFailure]:
        """People the API does not know fail at preview, when it answers; otherwise at the first write.
        A group still to be created (its id unknown) does not stop the check: people belong to the tenant.
        What the applied inputs held was checked before and is not asked again, unless a new value in the
        group has to be told apart from it (one person named two ways by two resources)."""
        tenant = {"connection", *self.group_fields()} - {"group_id"}
        values = self.declared(inputs)
        if not values or unknown & {self.people_field, *tenant}:
            return []
        same_group = olds.get("group_id") == getattr(inputs, "group_id", None)
        applied = olds.get(self.people_field) if same_group else None
        applied_set = set(applied) if isinstance(applied, list) else {applied} if applied else set()
        new = [v for v in values if v not in applied_set]
        adapter = self.adapter(inputs)
        if "group_id" not in unknown:  # so that a late grant of someone still declared is not taken back
            late_grants.wanted(adapter).declare(str(getattr(inputs, "group_id")), values)
        if "group_id" in unknown:  # the group is new: its other resources cannot be told apart from another's yet
            failures = self._check_known(adapter, "the new group", new)
            try:
                if not failures and len(values) > 1:
                    one_person_twice(adapter, "the new group", values, {}, self.holder(inputs))
            except ProviderError as exc:
                return [CheckFailure(self.people_field, f"{self.people_field}: {exc}")]
            return failures
        group = str(getattr(inputs, "group_id"))
        try:
            # Every resource of the program is checked, changed or not: a list and an additive person on
            # one group fail here, not only in a run that writes both (they would undo each other).
            enter_form(adapter, group, self.form, self.conflict)
            same_run = declarations(adapter.scope)
            same_run.declare(group, values, self.holder(inputs))
            same_run.mark_new(group, new)
            failures = self._check_known(adapter, group, new)
            if not failures and same_run.new(group):
                one_person_twice(adapter, group, values, same_run.others(group, self.holder(inputs)),
                                 self.holder(inputs), asked=same_run.new(group))
        except ProviderError as exc:
            return [CheckFailure(self.people_field, f"{self.people_field}: {exc}")]
        return failures

    def _check_known(self, adapter: PeopleAdapter, group: str, values: list[str]) -> list[CheckFailure]:
        """Refuses the values nobody has; announces the others as this run's additions to ``group``."""
        if not values:
            return []

        def missing() -> list[str]:
            found, unknown = directory(adapter).resolve(adapter, values)
            for person in found.values():
                arrivals(adapter.scope).announce(person.id, group)
            return unknown

        return check_people(self.people_field, group, missing, adapter.unknown)


def one_person_twice(adapter: PeopleAdapter, group: str, own: list[str], others: dict[str, str],
                     holder: str, asked: list[str] | None = None) -> None:
    """Fails when two of the values ``own`` and ``others`` (``{value: holder}``) name the same person,
    whether both are this resource's (an id and its address in one list) or one is another resource's.

    Only ``asked`` (the values new in this run; every value by default) are looked up: the others were
    checked when they were new, so an unchanged list costs no request. A new person clashes with another
    value when their ids are equal, or when any of the names the API gives them is that value."""
    declared = {**others, **{v: holder for v in own}}
    values = list(declared) if asked is None else [v for v in dict.fromkeys(asked) if v in declared]
    try:
        found, _ = directory(adapter).resolve(adapter, values)
    except ProviderError:
        return  # the API cannot be asked now: each value is checked again when written
    by_key = {adapter.key(v): v for v in declared}
    first: dict[PersonId, str] = {}
    for value in values:
        person = found.get(value)
        if person is None:
            continue
        clashes = [first.setdefault(person.id, value), *(by_key.get(adapter.key(n)) for n in person.names)]
        other = next((c for c in clashes if c is not None and c != value), None)
        if other is not None:
            raise ProviderError(f"{other} ({declared[other]}) and {value} ({declared[value]}) are the same "
                                f"{adapter.noun} ({person.id}) of {group}; declare each person once")


def guard_removals(adapter: type[PeopleAdapter], what: str, before: Any, after: Any, allowed: Any) -> None:
    """Refuses, at ``preview``, an update that would take out more people than ``max_removals`` allows,
    or that would empty a list without ``max_removals`` saying so: a typo, a bad merge or a file that
    came out empty must never silently take a group's people out."""
    change = joining_and_leaving(adapter, before, after)
    if change is None:
        return
    removed = change[1]
    limit = removals_allowed(allowed, len(before))
    emptied = before and not after and (allowed is None or int(allowed) < len(removed))
    if not emptied and len(removed) <= limit:
        return
    shown = some(removed, 3)
    why = "the update empties the list" if emptied else f"removes more than max_removals allows ({limit})"
    raise ProviderError(f"{what}: {why}: {len(removed)} {adapter.noun}s would lose access ({shown}); "
                        f"if intended, set max_removals to {len(removed)} or more")


def summarize(adapter: type[PeopleAdapter], what: str, before: Any, after: Any) -> None:
    """One line per planned change of a list, beside the resource in the plan: how many join and leave, and
    who (the first few of each), as declared; the ``--diff`` view lists every one of them by name."""
    change = joining_and_leaving(adapter, before, after)
    if change is None:
        return
    joining, leaving = change
    if joining or leaving:
        who = "; ".join(f"{word}: {some(names, 3)}" for word, names in (("joining", joining), ("leaving", leaving))
                        if names)
        tell(f"plan for {what}: +{len(joining)} -{len(leaving)} ({who})")


def warn_returned(adapter: type[PeopleAdapter], group: str, olds: dict[str, Any], after: Any) -> None:
    """Warns, at ``preview``, when a list would remove again someone an earlier ``up`` removed as drift and
    who came back since: something outside the stack (another stack's additive person, a script) keeps
    adding them, and the two would undo each other at every run."""
    if not isinstance(after, list):
        return
    kept = {adapter.key(v) for v in after if isinstance(v, str)}
    returned = olds.get("returned") if isinstance(olds.get("returned"), dict) else {}
    back = [shown for shown, names in returned.items() if not {adapter.key(str(n)) for n in names or []} & kept]
    if back:
        warn(f"{', '.join(back)} came back to {group} after an earlier `up` removed them, and would be removed "
             f"again: if another stack or tool adds them (e.g. an additive {adapter.noun}), the two undo each other "
             "at every run; declare them in this list, or stop the other from adding them")


def conflict(adapter: type[PeopleAdapter]) -> str:
    """Why a whole list and additive resources of the adapter's people cannot share a group."""
    noun = adapter.noun
    return (f"both a whole {noun} list ({adapter.list_resource}) and additive {noun}s ({adapter.one_resource}) in "
            f"this stack: the list would {adapter.remove_verb} the added {noun}s at every update. Put the {noun}s "
            f"in the list, or use additive {noun}s only")


class PeopleListProvider(PeopleProvider[I], Generic[I]):
    """A provider of a group's whole list of people."""

    form = LIST
    journal_kind = "people"

    @classmethod
    def describe(cls, adapter: type[PeopleAdapter]) -> None:
        cls.kind, cls.natural_key_hint = f"{adapter.api_name} group {adapter.noun}s", "group"

    def holder(self, inputs: I) -> str:
        return f"the {self.adapter_class.noun} list"

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        # A query chooses the list before anything is checked: the chosen list is checked as any list is.
        loaded = load(news, self.keyed_fields)
        chosen, failures = queries.expand(self, load(olds, self.keyed_fields), loaded)
        if failures:
            return CheckResult(news, [one_line(f, loaded) for f in failures])
        return super().check(olds, chosen)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        olds, news = load(olds, self.keyed_fields), load(news, self.keyed_fields)
        result = super().diff(_id, olds, news)
        connection = str(olds.get("connection") or self.inputs_model.model_fields["connection"].default)
        if not result.changes and self.journal(connection).unsettled(str(olds.get("group_id") or _id)):
            # An earlier write did not finish: only an update that plans from the live people can tell.
            result = DiffResult(changes=True, replaces=[], stables=[], delete_before_replace=False)
        if result.changes and not result.replaces:
            group = str(olds.get("group_id") or _id)
            title = news.get("title") or olds.get("title")
            what = titled(f"{self.kind} of {group}", title)
            before, after = olds.get(self.people_field), news.get(self.people_field)
            summarize(self.adapter_class, what, before, after)
            warn_returned(self.adapter_class, titled(group, title), olds, after)
            guard_removals(self.adapter_class, what, before, after, news.get("max_removals"))
        return result

    def service(self, inputs: I) -> PeopleList[I]:
        return PeopleList(self.adapter(inputs), self.people_field, self.group_fields(), self.conflict,
                          self.journal(inputs.connection))


class OnePersonProvider(PeopleProvider[I], Generic[I]):
    """A provider of one person in a group (additive)."""

    @classmethod
    def describe(cls, adapter: type[PeopleAdapter]) -> None:
        cls.kind = f"{adapter.api_name} group {adapter.noun}"
        cls.natural_key_hint = f"group and {cls.people_field}"

    def service(self, inputs: I) -> OnePerson[I]:
        return OnePerson(self.adapter(inputs), self.people_field, self.group_fields(), self.conflict,
                         self.journal(inputs.connection))

    def late_grants(self) -> list[LateGrant]:
        """The grants of this kind that landed after their create failed and that no people resource of
        this run declares (:mod:`providers.people.late_grants`), with how the API shows each person."""
        found = []
        for grant in late_grants.journaled(type(self).__name__):
            inputs = cast(I, self.inputs_model.model_construct(connection=grant.connection, **grant.group))
            adapter = self.adapter(inputs)
            if grant.tenant != adapter.tenant:
                continue  # another stack's tenant under the same connection name: that stack's ledger's
            try:
                shown = late_grants.landed(adapter, grant, self.window(grant.connection))
            except ProviderError as exc:
                raise ProviderError(f"could not check the {self.kind} {grant.person} of {grant.group_id} whose grant "
                                    f"had no answer: {exc}") from None
            if shown is not None:
                found.append(LateGrant(self, adapter, grant, shown))
        return found


@dataclass(frozen=True)
class LateGrant:
    """A person whose grant landed after its create failed, and whom no resource of the run declares."""

    provider: OnePersonProvider[Any]
    adapter: PeopleAdapter
    grant: late_grants.Grant
    shown: str

    def __str__(self) -> str:
        return f"{self.shown} ({self.provider.kind} of {self.grant.group_id})"

    def take_back(self) -> None:
        try:
            late_grants.take_back(self.adapter, self.grant, self.provider.window(self.grant.connection))
        except ProviderError as exc:
            raise ProviderError(f"taking back {self}, granted by a write that had no answer: {exc}") from None
