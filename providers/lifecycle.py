"""The resource lifecycle both user-group providers share.

Each API contributes a ``GroupService`` (its client calls, in resource terms) and
a pydantic model of its inputs; this module turns them into a
``pulumi.dynamic.ResourceProvider`` with the behaviour users rely on:

- ``check`` validates offline, names the property, passes preview unknowns through;
- ``diff`` compares domain fields only: ``None``, absent and empty are equal, list
  order is ignored, and the API's own fields that force a replace are declared;
- ``create`` never makes a silent twin: it looks the group up by its natural key
  first, adopts only when asked, and after an ambiguous POST failure never posts again
  without proof that nothing was created (see ``providers.pending``);
- one group has one owner per run: a second resource taking over the same group fails,
  and the delete of a group another resource took over in the same run (a changed
  key) is skipped with a warning instead of deleting what the other now manages;
- ``read`` refreshes outputs and inputs, and drops a vanished group with a warning;
- ``update`` sends the full declared state and returns every output;
- ``delete`` treats "already gone" as success.
"""

from __future__ import annotations

import sys
import threading
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar, Generic, Iterable, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pydantic import BaseModel, ValidationError

from . import errors, fields, pending
from .cache import shared
from .config import ConfigSource, EmptyConfig, Settings
from .errors import ApiError, ConfigError, ProviderError, TransportError

PROVIDER_KEY = "__provider"
RECOVERY_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)


class GroupInputs(BaseModel):
    """Base of the validated inputs of a user-group resource."""

    adopt: bool = False
    connection: str

    def label(self) -> str:
        """How messages name this group, e.g. ``'Operations' in ACC-1234-5678``."""
        return repr(getattr(self, "name", "?"))


I = TypeVar("I", bound=GroupInputs)


def as_resource(group: Any) -> dict[str, Any]:
    """An API group model as the lifecycle handles groups: ``{"id": ..., **outputs}``."""
    return {"id": group.id, **group.outputs()}


class GroupService(ABC, Generic[I]):
    """One API's user-group calls, in resource terms: every group is its outputs dict."""

    @abstractmethod
    def get(self, group_id: str) -> dict[str, Any] | None:
        """The group's outputs, or ``None`` when the API says it does not exist."""

    @abstractmethod
    def find(self, inputs: I) -> list[dict[str, Any]]:
        """Every group whose natural key matches ``inputs`` exactly (all pages), asked live."""

    @abstractmethod
    def scope(self, inputs: I) -> tuple[str, ...]:
        """The set of groups a name is unique-checked in (one account, or one group type)."""

    @abstractmethod
    def scan(self, inputs: I) -> list[dict[str, Any]]:
        """Every group in ``scope(inputs)`` (all pages)."""

    @abstractmethod
    def create(self, inputs: I) -> dict[str, Any]:
        """One POST; returns the new group's outputs."""

    @abstractmethod
    def update(self, group_id: str, inputs: I) -> dict[str, Any]:
        """One PUT with the full declared state; returns the outputs."""

    @abstractmethod
    def remove(self, group_id: str, outputs: dict[str, Any]) -> None:
        """Deletes (or deactivates) the group; a group that is already gone is success."""

    def created_at(self, group: dict[str, Any]) -> float | None:
        """When the API says the group was created (epoch seconds), if it says."""
        return None

    def last_changed(self, group: dict[str, Any]) -> float:
        """When the group last changed (epoch seconds; 0 when unknown): the newest inactive twin is reused."""
        return 0.0


class ScopeIndex:
    """The groups of one scope by name: listed once per provider process, then kept current.

    Creating N groups would otherwise cost N name lookups; one listing serves them all.
    Groups this process creates or takes over are added as it goes. The ambiguous-create
    recovery does not use it: that asks the API live.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_name: dict[str, dict[str, dict[str, Any]]] | None = None

    def named(self, name: str, load: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        with self._lock:
            if self._by_name is None:
                by_name: dict[str, dict[str, dict[str, Any]]] = {}
                for group in load():
                    by_name.setdefault(group["name"], {})[group["id"]] = group
                self._by_name = by_name
            return list(self._by_name.get(name, {}).values())

    def remember(self, group: dict[str, Any]) -> None:
        with self._lock:
            if self._by_name is not None:
                for groups in self._by_name.values():
                    groups.pop(group["id"], None)
                self._by_name.setdefault(group["name"], {})[group["id"]] = group


class Owners:
    """Which resource took over which group in this provider process (one engine run).

    A changed resource key makes the engine create the new resource (which, with
    ``adopt``, takes the existing group) and then delete the old one: that delete
    would remove the group the new resource now holds.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, tuple[object, str]] = {}

    def claim(self, group_id: str, owner: str) -> None:
        """Records that one create (``owner`` names it) holds ``group_id``; a second create may not."""
        token = object()
        with self._lock:
            first = self._owners.setdefault(group_id, (token, owner))
        if first[0] is not token:
            raise ProviderError(f"{group_id} is already managed by {first[1]} (another resource) in this run; one "
                                "group can have one owner: remove one of the two resources")

    def owner(self, group_id: str) -> str | None:
        with self._lock:
            held = self._owners.get(group_id)
        return held[1] if held else None


class GroupProvider(ResourceProvider, ABC, Generic[I]):
    """A dynamic provider for one kind of user group. Holds no client, session or secret."""

    kind: ClassVar[str] = "user group"
    inputs_model: ClassVar[type[GroupInputs]]
    # Derived from the input model's field metadata (``providers.fields.spec``), never written twice:
    domain_fields: ClassVar[tuple[str, ...]] = ()  # the group's own fields, compared by diff
    list_fields: ClassVar[tuple[str, ...]] = ()  # compared without order
    replace_fields: ClassVar[tuple[str, ...]] = ()  # a change makes a new group
    natural_key_fields: ClassVar[tuple[str, ...]] = ()  # what makes two groups the same group
    natural_key_hint: ClassVar[str] = "name"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("inputs_model")
        if model is not None:
            cls.domain_fields = fields.domain_fields(model)
            cls.list_fields = fields.fields_where(model, "unordered")
            cls.replace_fields = fields.fields_where(model, "replace")
            cls.natural_key_fields = fields.fields_where(model, "naturalKey")

    _config: ConfigSource = EmptyConfig()

    # -- hooks for each API -----------------------------------------------------------
    @abstractmethod
    def service(self, inputs: I) -> GroupService[I]:
        """The service for the connection ``inputs.connection`` names."""

    @abstractmethod
    def connection_problems(self, namespace: str) -> list[ConfigError]:
        """What is missing or wrong in that connection's settings (offline)."""

    def is_live(self, outputs: dict[str, Any]) -> bool:
        """Whether a found group counts as existing (Symphony: active)."""
        return True

    def check_warnings(self, inputs: I) -> list[str]:
        return []

    def read_inputs(self, outputs: dict[str, Any], old_inputs: dict[str, Any]) -> dict[str, Any]:
        """The inputs a refreshed group corresponds to (so the next preview shows drift)."""
        inputs = {f: outputs.get(f) for f in self.domain_fields if outputs.get(f) is not None}
        inputs["adopt"] = old_inputs.get("adopt", False)
        inputs["connection"] = old_inputs.get("connection") or outputs.get("connection")
        return inputs

    # -- engine entry points ----------------------------------------------------------
    def configure(self, req: ConfigureRequest) -> None:
        # Runs in the provider process after unpickling: the config never reaches state.
        self._config = req.config

    def __getstate__(self) -> dict[str, Any]:
        # Even a configured instance pickles without its config view (and so without secrets).
        return {k: v for k, v in self.__dict__.items() if k != "_config"}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        props = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        unknown = {k for k, v in props.items() if _has_unknown(v)}
        known = {k: v for k, v in props.items() if k not in unknown}
        failures: list[CheckFailure] = []
        try:
            validated = self.inputs_model.model_validate(known)
        except ValidationError as exc:
            validated = None
            for err in exc.errors():
                field = errors.field_path(err["loc"])
                if field.split("[")[0].split(".")[0] in unknown:
                    continue
                failures.append(CheckFailure(field, f"{field}: {errors.field_message(err, 'property')}"))
        connection = known.get("connection", self.inputs_model.model_fields["connection"].default)
        if "connection" not in unknown and isinstance(connection, str) and not any(f.property == "connection" for f in failures):
            for problem in self.connection_problems(connection):
                failures.append(CheckFailure("connection", f"connection {connection!r}: {problem}"))
        if validated is not None and not failures:
            for warning in self.check_warnings(validated):  # type: ignore[arg-type]
                _warn(warning)
            if not _olds and validated.adopt and not unknown:
                self._show_adoption(validated)  # type: ignore[arg-type]
        # Defaults are filled in; nothing the user wrote is changed.
        defaults = {name: f.default for name, f in self.inputs_model.model_fields.items()
                    if name not in props and f.default is not None and not callable(f.default)}
        return CheckResult({**news, **defaults}, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [f for f in self.domain_fields + ("connection",)
                   if not self._same(f, olds.get(f), news.get(f))]
        replaces = [f for f in changed if f in self.replace_fields]
        # A replacement with the same scope and name would find the old group and refuse
        # to make a twin, so it can only take the old one's place after it is gone.
        same_key = all(self._same(f, olds.get(f), news.get(f)) for f in self.natural_key_fields)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces) and same_key)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(props)
        service = self.service(inputs)
        scope = (type(self).__name__, inputs.connection, *service.scope(inputs))
        index = shared(("index", *scope), ScopeIndex)
        name = getattr(inputs, "name", "")
        # Two creates of the same name in one run must not both decide "not there yet".
        with shared(("create", *scope, name), threading.Lock):
            try:
                existing = index.named(name, lambda: service.scan(inputs))
                group = self._take_existing(existing, inputs, service, scope)
                if group is None:
                    group = self._post(service, inputs, {g["id"] for g in existing}, scope)
                pending.settle(scope, name)
                shared(("owners", type(self).__name__), Owners).claim(group["id"], f"{self.kind} {inputs.label()}")
                if self._differs(group, inputs):  # adopted, reactivated, or declared inactive
                    group = service.update(group["id"], inputs)
            except ProviderError as exc:
                raise self._fail("creating", inputs, exc) from None
            index.remember(group)
        return CreateResult(group["id"], self._outputs(group, inputs))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        connection = self._connection(props)
        try:
            group = self.service(self._partial_inputs(props, connection)).get(id_)
        except ProviderError as exc:
            raise ProviderError(f"reading {self.kind} {id_}: {exc}") from None
        if group is None:
            _warn(f"{self.kind} {id_} ({props.get('name', '?')!r}) was deleted outside Pulumi; "
                  "it is removed from the stack and `pulumi up` will create it again")
            return ReadResult("", {})
        outputs = {**group, "adopt": props.get("adopt", False), "connection": connection}
        return ReadResult(id_, outputs, self.read_inputs(outputs, props))

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self._inputs(news)
        try:
            group = self.service(inputs).update(id_, inputs)
        except ApiError as exc:
            if exc.status == 404:
                raise self._fail("updating", inputs, ProviderError(
                    "it was deleted outside Pulumi: run `pulumi refresh` to drop it from the stack, then "
                    "`pulumi up` creates it again"), id_) from None
            raise self._fail("updating", inputs, exc, id_) from None
        except ProviderError as exc:
            raise self._fail("updating", inputs, exc, id_) from None
        return UpdateResult(self._outputs(group, inputs))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        owner = shared(("owners", type(self).__name__), Owners).owner(id_)
        if owner is not None:
            _warn(f"not deleting {self.kind} {id_} ({props.get('name', '?')!r}): {owner} took it over in this run, "
                  "so this resource only leaves the stack; list the old key under formerKeys to move it silently")
            return
        connection = self._connection(props)
        try:
            self.service(self._partial_inputs(props, connection)).remove(id_, props)
        except ProviderError as exc:
            raise ProviderError(f"deleting {self.kind} {id_} ({props.get('name', '?')!r}): {exc}") from None

    def _show_adoption(self, inputs: I) -> None:
        """Says, before anything is written, what taking the existing group over will change."""
        name = getattr(inputs, "name", "")
        try:
            service = self.service(inputs)
            index = shared(("index", type(self).__name__, inputs.connection, *service.scope(inputs)), ScopeIndex)
            live = [g for g in index.named(name, lambda: service.scan(inputs)) if self.is_live(g)]
        except ProviderError as exc:
            _warn(f"{self.kind} {inputs.label()}: could not look up the group to adopt ({exc})")
            return
        if len(live) != 1:
            return  # nothing to take over, or several: create says so
        declared = inputs.model_dump()
        changes = [f"{f}: {_shown(live[0].get(f))} -> {_shown(declared.get(f))}" for f in self.domain_fields
                   if not self._same(f, live[0].get(f), declared.get(f))]
        what = "; ".join(changes) if changes else "nothing (it matches the declaration)"
        _warn(f"adopting {self.kind} {inputs.label()} ({live[0]['id']}) will change: {what}")

    # -- create helpers ---------------------------------------------------------------
    def _take_existing(self, matches: list[dict[str, Any]], inputs: I, service: GroupService[I],
                       scope: tuple[str, ...]) -> dict[str, Any] | None:
        live = [m for m in matches if self.is_live(m)]
        dormant = [m for m in matches if not self.is_live(m)]
        if len(live) > 1:
            raise ProviderError(
                f"{len(live)} groups named {inputs.label()} already exist ({', '.join(m['id'] for m in live)}); "
                "names are not unique here, so none is taken over: rename the group or remove the duplicates")
        if live:
            if inputs.adopt:
                return live[0]
            attempt = pending.attempted(scope, getattr(inputs, "name", ""))
            if attempt is not None and pending.created_after(service.created_at(live[0]), attempt) \
                    and not self._differs(live[0], inputs):
                _warn(f"{self.kind} {inputs.label()}: taking over {live[0]['id']}, which the unanswered create of "
                      f"{_when(attempt)} made (created after it, every declared field matches)")
                return live[0]
            earlier = (f"; an earlier create of this name at {_when(attempt)} had no answer, but this group was "
                       "created before it or differs from the declaration") if attempt is not None else ""
            raise ProviderError(
                f"a group named {inputs.label()} already exists ({live[0]['id']}){earlier}; set adopt=True "
                f"(adopt: true in stack config) to manage it with Pulumi, or choose another {self.natural_key_hint}")
        if dormant:  # an inactive twin (Symphony has no delete): bring it back instead of piling up copies
            return max(dormant, key=service.last_changed)
        return None

    def _post(self, service: GroupService[I], inputs: I, before: set[str], scope: tuple[str, ...]) -> dict[str, Any]:
        name = getattr(inputs, "name", "")
        earlier = pending.attempted(scope, name)
        window = Settings(inputs.connection, self._config).number("pendingWindow", pending.DEFAULT_WINDOW)
        if earlier is not None and time.time() - earlier < window:
            raise ProviderError(
                f"an earlier create of this group at {_when(earlier)} had no answer and may still be committed by "
                f"the server; no new create is sent before {_when(earlier + window)} "
                f"({inputs.connection}:pendingWindow, {window:g}s): run `pulumi up` again then")
        attempted_at = time.time()
        try:
            return service.create(inputs)
        except (TransportError, ApiError) as exc:
            if not _ambiguous(exc):
                raise
            first_error = exc
        # The POST may or may not have been processed: look before doing anything else.
        waits = RECOVERY_DELAYS if isinstance(first_error, TransportError) else RECOVERY_DELAYS[:2]
        for delay in waits:
            time.sleep(delay)
            new = [g for g in service.find(inputs) if g["id"] not in before]
            if len(new) == 1:
                return new[0]
            if len(new) > 1:
                raise ProviderError(
                    f"{first_error}; afterwards {len(new)} new groups named {inputs.label()} were found "
                    f"({', '.join(g['id'] for g in new)}): keep one (adopt it) and remove the others")
        # Not found is no proof that nothing was created: a slow server may still commit the
        # first POST, and a second one would make a twin. Remember the attempt and stop.
        pending.record(scope, name, attempted_at)
        raise ProviderError(
            f"{first_error}; the group did not appear within {sum(waits):g}s, but the server may still create it, "
            "so no second create was sent. Run `pulumi up` again: a group that appears with exactly the declared "
            "fields after this attempt is taken over, anything else is reported")

    def _differs(self, group: dict[str, Any], inputs: I) -> bool:
        declared = inputs.model_dump()
        return any(not self._same(f, group.get(f), declared.get(f)) for f in self.domain_fields)

    # -- shared helpers ---------------------------------------------------------------
    def _same(self, field: str, old: Any, new: Any) -> bool:
        if _has_unknown(new):
            return False
        if field in self.list_fields:
            return sorted(old or []) == sorted(new or [])
        if old in (None, "") and new in (None, ""):
            return True
        return old == new

    def _inputs(self, props: dict[str, Any]) -> I:
        data = {k: v for k, v in props.items() if k in self.inputs_model.model_fields}
        return self.inputs_model.model_validate(data)  # type: ignore[return-value]

    def _connection(self, props: dict[str, Any]) -> str:
        """The namespace a stored group's connection comes from (older state may lack it)."""
        return props.get("connection") or self.inputs_model.model_fields["connection"].default

    def _partial_inputs(self, props: dict[str, Any], connection: str) -> I:
        # Reads and deletes need only the connection; the rest may be stale or incomplete.
        return self.inputs_model.model_construct(**{**props, "connection": connection})  # type: ignore[return-value]

    def _outputs(self, group: dict[str, Any], inputs: I) -> dict[str, Any]:
        return {**group, "adopt": inputs.adopt, "connection": inputs.connection}

    def _fail(self, action: str, inputs: I, exc: Exception, id_: str | None = None) -> ProviderError:
        target = f"{self.kind} {inputs.label()}" + (f" ({id_})" if id_ else "")
        return ProviderError(f"{action} {target}: {exc}")


def _ambiguous(exc: Exception) -> bool:
    if isinstance(exc, TransportError):
        return exc.sent
    # 503 says the server could not handle the request (the HTTP layer retries it); other
    # 5xx answers may come after the work was done.
    return isinstance(exc, ApiError) and exc.status >= 500 and exc.status != 503


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(_has_unknown(v) for v in value.values())
    return False


def _warn(message: str) -> None:
    # print() from a dynamic provider reaches the CLI's output; pulumi.log cannot be used here.
    print(f"warning: {message}", file=sys.stderr, flush=True)
