"""The resource lifecycle every provider of this library shares.

Each resource kind (a group, a membership, an assignment) contributes a ``Service``
(its client calls, in resource terms) and a pydantic model of its inputs whose field
metadata names the natural key; this module turns them into a
``pulumi.dynamic.ResourceProvider`` with the behaviour users rely on:

- ``check`` validates offline, names the property, passes preview unknowns through;
- ``diff`` compares domain fields only: ``None``, absent and empty are equal, list
  order is ignored, and the API's own fields that force a replace are declared;
- ``create`` never makes a silent twin: a kind whose API create is not idempotent is
  looked up by its natural key first, adopted only when asked, and after an ambiguous
  failure never created again without proof that nothing was (see ``providers.pending``);
  a kind whose create is an idempotent upsert is simply repeated after one;
- one object has one owner per run: a second resource taking over the same object fails,
  and the delete of an object another resource took over in the same run (a changed
  key) is skipped with a warning instead of deleting what the other now manages;
- ``read`` refreshes outputs and inputs, and drops a vanished object with a warning;
- ``update`` sends the declared state and returns every output;
- ``delete`` treats "already gone" as success.
"""

from __future__ import annotations

import sys
import threading
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar, Generic, Iterable, TypeVar, cast

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
from .fields import Key, ResourceInputs
from .cache import shared
from .config import ConfigSource, EmptyConfig, Settings
from .errors import ApiError, ConfigError, ProviderError, TransportError

PROVIDER_KEY = "__provider"
RECOVERY_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)


I = TypeVar("I", bound=ResourceInputs)


def as_resource(model: Any) -> dict[str, Any]:
    """An API model as the lifecycle handles objects: ``{"id": ..., **outputs}``."""
    return {"id": model.id, **model.outputs()}


class Service(ABC, Generic[I]):
    """One resource kind's API calls, in resource terms: every object is its outputs dict."""

    @abstractmethod
    def get(self, id_: str, inputs: I, stored: dict[str, Any]) -> dict[str, Any] | None:
        """The object's outputs, or ``None`` when the API says it does not exist.

        ``inputs`` may be partial (built from ``stored``, the state's outputs): only what identifies
        the object is sure.
        """

    @abstractmethod
    def create(self, inputs: I) -> dict[str, Any]:
        """Creates the object; returns its outputs."""

    @abstractmethod
    def update(self, id_: str, inputs: I, olds: dict[str, Any]) -> dict[str, Any]:
        """Brings the object to the declared state (``olds``: the stored outputs); returns the outputs."""

    @abstractmethod
    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        """Deletes (or deactivates) the object; one that is already gone is success."""

    # -- for kinds whose create is not idempotent (``Provider.lookup``) ------------------
    def find(self, inputs: I) -> list[dict[str, Any]]:
        """Every object whose natural key matches ``inputs`` exactly (all pages), asked live."""
        raise NotImplementedError

    def scope(self, inputs: I) -> tuple[str, ...]:
        """The set of objects a natural key is unique in (e.g. one tenant partition)."""
        return ()

    def scan(self, inputs: I) -> list[dict[str, Any]]:
        """Every object in ``scope(inputs)`` (all pages)."""
        raise NotImplementedError

    def created_at(self, found: dict[str, Any]) -> float | None:
        """When the API says the object was created (epoch seconds), if it says."""
        return None

    def last_changed(self, found: dict[str, Any]) -> float:
        """When the object last changed (epoch seconds; 0 when unknown): the newest dormant twin is reused."""
        return 0.0


class ScopeIndex:
    """The objects of one scope by natural key: listed once per provider process, then kept current.

    Creating N objects would otherwise cost N lookups; one listing serves them all.
    Objects this process creates or takes over are added as it goes. The ambiguous-create
    recovery does not use it: that asks the API live.
    """

    def __init__(self, key_of: Callable[[dict[str, Any]], Key]) -> None:
        self._lock = threading.Lock()
        self._key_of = key_of
        self._by_key: dict[Key, dict[str, dict[str, Any]]] | None = None

    def matching(self, key: Key, load: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
        with self._lock:
            if self._by_key is None:
                by_key: dict[Key, dict[str, dict[str, Any]]] = {}
                for found in load():
                    by_key.setdefault(self._key_of(found), {})[found["id"]] = found
                self._by_key = by_key
            return list(self._by_key.get(key, {}).values())

    def remember(self, found: dict[str, Any]) -> None:
        with self._lock:
            if self._by_key is not None:
                for same in self._by_key.values():
                    same.pop(found["id"], None)
                self._by_key.setdefault(self._key_of(found), {})[found["id"]] = found


class Owners:
    """Which resource took over which object in this provider process (one engine run).

    A changed resource key makes the engine create the new resource (which, with
    ``adopt``, takes the existing object) and then delete the old one: that delete
    would remove the object the new resource now holds.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, tuple[object, str]] = {}

    def claim(self, id_: str, owner: str) -> None:
        """Records that one create (``owner`` names it) holds ``id_``; a second create may not."""
        token = object()
        with self._lock:
            first = self._owners.setdefault(id_, (token, owner))
        if first[0] is not token:
            raise ProviderError(f"{id_} is already managed by {first[1]} (another resource) in this run; one "
                                "object can have one owner: remove one of the two resources")

    def owner(self, id_: str) -> str | None:
        with self._lock:
            held = self._owners.get(id_)
        return held[1] if held else None


class Provider(ResourceProvider, ABC, Generic[I]):
    """A dynamic provider for one resource kind. Holds no client, session or secret."""

    kind: ClassVar[str] = "resource"
    inputs_model: ClassVar[type[ResourceInputs]]
    # Whether the API's create is not idempotent, so that an existing object must be looked up by
    # natural key first (groups); kinds whose create is an upsert (memberships) set it False.
    lookup: ClassVar[bool] = True
    # Derived from the input model's field metadata (``providers.fields.spec``), never written twice:
    domain_fields: ClassVar[tuple[str, ...]] = ()  # the object's own fields, compared by diff
    list_fields: ClassVar[tuple[str, ...]] = ()  # compared without order
    replace_fields: ClassVar[tuple[str, ...]] = ()  # a change makes a new object
    natural_key_fields: ClassVar[tuple[str, ...]] = ()  # what makes two objects the same object
    lifecycle_fields: ClassVar[tuple[str, ...]] = ()  # settings of the resource itself (adopt, connection)
    natural_key_hint: ClassVar[str] = "natural key"  # how messages call it, e.g. "name (or type)"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("inputs_model")
        if model is not None:
            cls.domain_fields = fields.domain_fields(model)
            cls.list_fields = fields.fields_where(model, "unordered")
            cls.replace_fields = fields.fields_where(model, "replace")
            cls.natural_key_fields = fields.fields_where(model, "naturalKey")
            cls.lifecycle_fields = fields.fields_where(model, "lifecycle")

    _config: ConfigSource = EmptyConfig()

    # -- hooks for each resource kind ----------------------------------------------------
    @abstractmethod
    def service(self, inputs: I) -> Service[I]:
        """The service for the connection ``inputs.connection`` names."""

    @abstractmethod
    def connection_problems(self, namespace: str) -> list[ConfigError]:
        """What is missing or wrong in that connection's settings (offline)."""

    def is_live(self, outputs: dict[str, Any]) -> bool:
        """Whether a found object counts as existing (a deactivated one is dormant)."""
        return True

    def check_warnings(self, inputs: I) -> list[str]:
        return []

    def check_online(self, inputs: I, olds: dict[str, Any], unknown: set[str]) -> list[CheckFailure]:
        """Problems only the API can show (e.g. an unknown user), asked at preview; ``[]`` by default.

        ``olds`` are the inputs already applied: what they held was checked before. ``unknown`` names
        the inputs not known yet (outputs of resources still to be created): those fields of
        ``inputs`` are absent, the others are validated.
        """
        return []

    def read_inputs(self, outputs: dict[str, Any], old_inputs: dict[str, Any]) -> dict[str, Any]:
        """The inputs a refreshed object corresponds to (so the next preview shows drift)."""
        inputs = {f: outputs.get(f) for f in self.domain_fields if outputs.get(f) is not None}
        for f in self.lifecycle_fields:
            inputs[f] = _first(old_inputs.get(f), outputs.get(f), self.inputs_model.model_fields[f].default)
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
        validated: ResourceInputs | None
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
        # Defaults are filled in; nothing the user wrote is changed.
        defaults = {name: f.default for name, f in self.inputs_model.model_fields.items()
                    if name not in props and f.default is not None and not callable(f.default)}
        if validated is not None and not failures:
            inputs: I = validated  # type: ignore[assignment]  # inputs_model is I's model
            for warning in self.check_warnings(inputs):
                _warn(warning)
            if not _olds and inputs.adopting() and not unknown:
                self._show_adoption(inputs)
        if not failures:
            # What is known is checked now, even while another resource's output (e.g. a new parent's id) is not.
            partial = validated if validated is not None else self.inputs_model.model_construct(
                **{**defaults, **known})
            failures.extend(self.check_online(cast(I, partial), _olds, unknown))
        return CheckResult({**news, **defaults}, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [f for f in self.domain_fields + ("connection",)
                   if not self._same(f, olds.get(f), news.get(f))]
        replaces = [f for f in changed if f in self.replace_fields]
        # A replacement with the same natural key would find the old object and refuse to
        # make a twin, so it can only take the old one's place after it is gone.
        same_key = all(self._same(f, olds.get(f), news.get(f)) for f in self.natural_key_fields)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces) and same_key)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(props)
        service = self.service(inputs)
        scope = (type(self).__name__, inputs.connection, *service.scope(inputs))
        key = inputs.natural_key()
        # Two creates of the same object in one run must not both decide "not there yet".
        with shared(("create", *scope, *map(str, key)), threading.Lock):
            try:
                if self.lookup:
                    index = self._index(scope)
                    existing = index.matching(key, lambda: service.scan(inputs))
                    found = self._take_existing(existing, inputs, service, scope)
                    if found is None:
                        found = self._post(service, inputs, {g["id"] for g in existing}, scope)
                    pending.settle(scope, _journal_key(key))
                else:
                    found = self._upsert(service, inputs)
                shared(("owners", type(self).__name__), Owners).claim(found["id"], f"{self.kind} {inputs.label()}")
                if self.lookup and self._differs(found, inputs):  # adopted, reactivated, or declared inactive
                    found = service.update(found["id"], inputs, found)
            except ProviderError as exc:
                raise self._fail("creating", inputs, exc) from None
            if self.lookup:
                index.remember(found)
        return CreateResult(found["id"], self._outputs(found, inputs))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        connection = self._connection(props)
        partial = self._partial_inputs(props, connection)
        try:
            found = self.service(partial).get(id_, partial, props)
        except ProviderError as exc:
            raise ProviderError(f"reading {self.kind} {id_}: {exc}") from None
        if found is None:
            _warn(f"{self.kind} {id_} ({self._stored_label(props)}) was deleted outside Pulumi; "
                  "it is removed from the stack and `pulumi up` will create it again")
            return ReadResult("", {})
        outputs = {**found, **{f: _first(props.get(f), self.inputs_model.model_fields[f].default)
                               for f in self.lifecycle_fields}, "connection": connection}
        return ReadResult(id_, outputs, self.read_inputs(outputs, props))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self._inputs(news)
        try:
            found = self.service(inputs).update(id_, inputs, olds)
        except ApiError as exc:
            if exc.status == 404:
                raise self._fail("updating", inputs, ProviderError(
                    "it was deleted outside Pulumi: run `pulumi refresh` to drop it from the stack, then "
                    "`pulumi up` creates it again"), id_) from None
            raise self._fail("updating", inputs, exc, id_) from None
        except ProviderError as exc:
            raise self._fail("updating", inputs, exc, id_) from None
        return UpdateResult(self._outputs(found, inputs))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        owner = shared(("owners", type(self).__name__), Owners).owner(id_)
        if owner is not None:
            _warn(f"not deleting {self.kind} {id_} ({self._stored_label(props)}): {owner} took it over in this run, "
                  "so this resource only leaves the stack; list the old key under formerKeys to move it silently")
            return
        connection = self._connection(props)
        try:
            self.service(self._partial_inputs(props, connection)).remove(id_, props)
        except ProviderError as exc:
            raise ProviderError(f"deleting {self.kind} {id_} ({self._stored_label(props)}): {exc}") from None

    def _show_adoption(self, inputs: I) -> None:
        """Says, before anything is written, what taking the existing object over will change."""
        try:
            service = self.service(inputs)
            index = self._index((type(self).__name__, inputs.connection, *service.scope(inputs)))
            live = [g for g in index.matching(inputs.natural_key(), lambda: service.scan(inputs)) if self.is_live(g)]
        except ProviderError as exc:
            _warn(f"{self.kind} {inputs.label()}: could not look up the object to adopt ({exc})")
            return
        if len(live) != 1:
            return  # nothing to take over, or several: create says so
        declared = inputs.model_dump()
        changes = [f"{f}: {_shown(live[0].get(f))} -> {_shown(declared.get(f))}" for f in self.domain_fields
                   if not self._same(f, live[0].get(f), declared.get(f))]
        what = "; ".join(changes) if changes else "nothing (it matches the declaration)"
        _warn(f"adopting {self.kind} {inputs.label()} ({live[0]['id']}) will change: {what}")

    # -- create helpers ---------------------------------------------------------------
    def _index(self, scope: tuple[str, ...]) -> ScopeIndex:
        key_fields = tuple(f for f in self.natural_key_fields if f != "connection")
        return shared(("index", *scope), lambda: ScopeIndex(lambda found: tuple(found.get(f) for f in key_fields)))

    def _take_existing(self, matches: list[dict[str, Any]], inputs: I, service: Service[I],
                       scope: tuple[str, ...]) -> dict[str, Any] | None:
        live = [m for m in matches if self.is_live(m)]
        dormant = [m for m in matches if not self.is_live(m)]
        if len(live) > 1:
            raise ProviderError(
                f"{len(live)} objects with the {self.natural_key_hint} {inputs.label()} already exist "
                f"({', '.join(m['id'] for m in live)}); the {self.natural_key_hint} is not unique here, so none is "
                f"taken over: change the {self.natural_key_hint} or remove the duplicates")
        if live:
            if inputs.adopting():
                return live[0]
            attempt = pending.attempted(scope, _journal_key(inputs.natural_key()))
            if attempt is not None and pending.created_after(service.created_at(live[0]), attempt) \
                    and not self._differs(live[0], inputs):
                _warn(f"{self.kind} {inputs.label()}: taking over {live[0]['id']}, which the unanswered create of "
                      f"{_when(attempt)} made (created after it, every declared field matches)")
                return live[0]
            earlier = (f"; an earlier create at {_when(attempt)} had no answer, but this one was created before "
                       "it or differs from the declaration") if attempt is not None else ""
            raise ProviderError(
                f"{self.kind} {inputs.label()} already exists ({live[0]['id']}){earlier}; set adopt=True "
                f"(adopt: true in stack config) to manage it with Pulumi, or choose another {self.natural_key_hint}")
        if dormant:  # a deactivated twin (an API without delete): bring it back instead of piling up copies
            return max(dormant, key=service.last_changed)
        return None

    def _post(self, service: Service[I], inputs: I, before: set[str], scope: tuple[str, ...]) -> dict[str, Any]:
        journal_key = _journal_key(inputs.natural_key())
        earlier = pending.attempted(scope, journal_key)
        window = Settings(inputs.connection, self._config).number("pendingWindow", pending.DEFAULT_WINDOW)
        if earlier is not None and time.time() - earlier < window:
            raise ProviderError(
                f"an earlier create of this {self.kind} at {_when(earlier)} had no answer and may still be committed "
                f"by the server; no new create is sent before {_when(earlier + window)} "
                f"({inputs.connection}:pendingWindow, {window:g}s): run `pulumi up` again then")
        attempted_at = time.time()
        try:
            return service.create(inputs)
        except (TransportError, ApiError) as exc:
            if not _ambiguous(exc):
                raise
            first_error = exc
        # The create may or may not have been processed: look before doing anything else.
        waits = RECOVERY_DELAYS if isinstance(first_error, TransportError) else RECOVERY_DELAYS[:2]
        for delay in waits:
            time.sleep(delay)
            new = [g for g in service.find(inputs) if g["id"] not in before]
            if len(new) == 1:
                return new[0]
            if len(new) > 1:
                raise ProviderError(
                    f"{first_error}; afterwards {len(new)} new objects {inputs.label()} were found "
                    f"({', '.join(g['id'] for g in new)}): keep one (adopt it) and remove the others")
        # Not found is no proof that nothing was created: a slow server may still commit the
        # first create, and a second one would make a twin. Remember the attempt and stop.
        pending.record(scope, journal_key, attempted_at)
        raise ProviderError(
            f"{first_error}; it did not appear within {sum(waits):g}s, but the server may still create it, "
            "so no second create was sent. Run `pulumi up` again: one that appears with exactly the declared "
            "fields after this attempt is taken over, anything else is reported")

    def _upsert(self, service: Service[I], inputs: I) -> dict[str, Any]:
        """A create the API makes idempotent: after an ambiguous failure, the same call is simply sent again."""
        last: Exception | None = None
        for delay in RECOVERY_DELAYS[:3]:
            time.sleep(delay)
            try:
                return service.create(inputs)
            except (TransportError, ApiError) as exc:
                if not _ambiguous(exc):
                    raise
                last = exc
        raise last  # type: ignore[misc]  # the loop ran at least once

    def _differs(self, found: dict[str, Any], inputs: I) -> bool:
        declared = inputs.model_dump()
        return any(not self._same(f, found.get(f), declared.get(f)) for f in self.domain_fields)

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
        """The namespace a stored object's connection comes from (older state may lack it)."""
        return props.get("connection") or self.inputs_model.model_fields["connection"].default

    def _partial_inputs(self, props: dict[str, Any], connection: str) -> I:
        # Reads and deletes need only what identifies the object; the rest may be stale or incomplete.
        return self.inputs_model.model_construct(**{**props, "connection": connection})  # type: ignore[return-value]

    def _stored_label(self, props: dict[str, Any]) -> str:
        return ", ".join(repr(props.get(f, "?")) for f in self.natural_key_fields if f != "connection")

    def _outputs(self, found: dict[str, Any], inputs: I) -> dict[str, Any]:
        return {**found, **{f: getattr(inputs, f) for f in self.lifecycle_fields}}

    def _fail(self, action: str, inputs: I, exc: Exception, id_: str | None = None) -> ProviderError:
        target = f"{self.kind} {inputs.label()}" + (f" ({id_})" if id_ else "")
        return ProviderError(f"{action} {target}: {exc}")


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _journal_key(key: Key) -> str:
    return "\x1f".join(str(part) for part in key)


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


def warn(message: str) -> None:
    """A warning the CLI shows with the resource's output."""
    _warn(message)


def _warn(message: str) -> None:
    # print() from a dynamic provider reaches the CLI's output; pulumi.log cannot be used here.
    print(f"warning: {message}", file=sys.stderr, flush=True)
