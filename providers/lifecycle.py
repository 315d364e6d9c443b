"""The resource lifecycle every provider of this library shares: the engine's entry points.

Each resource kind (a group, a list of people, one person) contributes a ``Service`` (its
client calls, in resource terms) and a pydantic model of its inputs whose field metadata
names the natural key; this module turns them into a ``pulumi.dynamic.ResourceProvider``:

- ``check`` validates offline, names the property, passes preview unknowns through;
- ``diff`` compares domain fields only: ``None``, absent and empty are equal, list
  order is ignored, and the API's own fields that force a replace are declared;
- ``create`` is ``providers.creation``'s: never a silent twin, adoption only when asked;
- the delete of an object another resource took over in the same run (a changed name)
  is skipped with a warning instead of deleting what the other now manages;
- ``read`` refreshes outputs and inputs, and drops a vanished object with a warning; the reads of
  one partition are answered from its listing where the kind has one (``providers.listing``);
- a whole list of people is stored as a map keyed by each name (``providers.keyed``), so that
  plans and refreshes name each person; every entry point reads both shapes;
- ``update`` sends the declared state and returns every output;
- ``delete`` treats "already gone" as success.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Generic, TypeVar, cast

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

from . import engine_watch, errors, fields
from .keyed import load, store
from .listing import Pages, read_through, wrote
from .config import ConfigSource, EmptyConfig
from .creation import Creation, owners
from .errors import ApiError, ConfigError, ProviderError
from .fields import ResourceInputs, titled
from .notices import warn

PROVIDER_KEY = "__provider"


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

    def pages(self, inputs: I) -> Pages | None:
        """``scan(inputs)`` a page (one request) at a time, lazily, so that one listing can answer a
        refresh's many reads (``providers.listing``); ``None`` for a kind read only one by one."""
        return None

    def created_at(self, found: dict[str, Any]) -> float | None:
        """When the API says the object was created (epoch seconds), if it says."""
        return None

    def last_changed(self, found: dict[str, Any]) -> float:
        """When the object last changed (epoch seconds; 0 when unknown): the newest dormant twin is reused."""
        return 0.0


@dataclass(frozen=True)
class Api:
    """How the providers of one API reach it: a client per connection, and the connection's offline checks."""

    connect: Callable[[str, ConfigSource], Any]
    problems: Callable[[str, ConfigSource], list[ConfigError]]


C = TypeVar("C", bound="ConfiguredProvider")


class ConfiguredProvider(ResourceProvider):
    """A dynamic provider that keeps the engine's config view in its process, never in state."""

    _config: ConfigSource = EmptyConfig()

    def configure(self, req: ConfigureRequest) -> None:
        # Runs in the provider process after unpickling: the config never reaches state.
        self._config = req.config
        engine_watch.watch()  # a killed engine must not leave this process writing on its own

    @property
    def config(self) -> ConfigSource:
        """The stack's config as the engine gave it to this process (empty before ``configure``)."""
        return self._config

    def sibling(self, cls: type[C]) -> C:
        """A provider of another kind, with this one's config: the engine configures only the resources it runs."""
        other = cls()
        other._config = self._config
        return other

    def __getstate__(self) -> dict[str, Any]:
        # Even a configured instance pickles without its config view (and so without secrets).
        return {k: v for k, v in self.__dict__.items() if k != "_config"}


class Provider(ConfiguredProvider, ABC, Generic[I]):
    """A dynamic provider for one resource kind. Holds no client, session or secret."""

    kind: ClassVar[str] = "resource"
    api: ClassVar[Api]  # the API this kind lives in
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
    keyed_fields: ClassVar[tuple[str, ...]] = ()  # lists of people, stored as ``{name: true}`` (``providers.keyed``)
    natural_key_hint: ClassVar[str] = "natural key"  # how messages call it, e.g. "name (or type)"
    # What to do about an object another resource of the run took over (its old resource only leaves the stack).
    moved_hint: ClassVar[str] = ("nothing is lost; to move it silently, declare the old resource name as an alias of "
                                 "the new one (the old key among the entry's former keys, in the project's stack config)")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("inputs_model")
        if model is not None:
            cls.domain_fields = fields.domain_fields(model)
            cls.list_fields = fields.fields_where(model, "unordered")
            cls.replace_fields = fields.fields_where(model, "replace")
            cls.natural_key_fields = fields.fields_where(model, "naturalKey")
            cls.lifecycle_fields = fields.fields_where(model, "lifecycle")
            cls.keyed_fields = tuple(f for f in fields.fields_where(model, "people") if f in cls.list_fields)

    # -- hooks for each resource kind ----------------------------------------------------
    @abstractmethod
    def service(self, inputs: I) -> Service[I]:
        """The service for the connection ``inputs.connection`` names."""

    def connection_problems(self, namespace: str) -> list[ConfigError]:
        """What is missing or wrong in that connection's settings (offline)."""
        return self.api.problems(namespace, self._config)

    def client(self, connection: str) -> Any:
        """The process-wide client of the connection ``connection`` names (built on first use)."""
        return self.api.connect(connection, self._config)

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
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        _olds, news = load(_olds, self.keyed_fields), load(news, self.keyed_fields)
        props = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        unknown = {k for k, v in props.items() if has_unknown(v)}
        known = {k: v for k, v in props.items() if k not in unknown}
        valid, failures = validate(self.inputs_model, known, unknown, self.connection_problems)
        validated = cast(I, valid) if valid is not None else None
        # Defaults are filled in; nothing the user wrote is changed.
        defaults = {name: value for name, value in fields.defaults(self.inputs_model).items() if name not in props}
        if validated is not None and not failures:
            for warning in self.check_warnings(validated):
                warn(warning)
            if not _olds and validated.adopting() and not unknown:
                self._show_adoption(validated)
        if not failures:
            # What is known is checked now, even while another resource's output (e.g. a new parent's id) is not.
            partial = validated if validated is not None else cast(I, self.inputs_model.model_construct(
                **{**defaults, **known}))
            failures.extend(self.check_online(partial, _olds, unknown))
        return CheckResult(store({**news, **defaults}, self.keyed_fields), [one_line(f, props) for f in failures])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        olds, news = load(olds, self.keyed_fields), load(news, self.keyed_fields)
        changed = [f for f in self.domain_fields + ("connection",)
                   if not self.same_field(f, olds.get(f), news.get(f))]
        replaces = [f for f in changed if f in self.replace_fields]
        # A replacement with the same natural key would find the old object and refuse to
        # make a twin, so it can only take the old one's place after it is gone.
        same_key = all(self.same_field(f, olds.get(f), news.get(f)) for f in self.natural_key_fields)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces) and same_key)

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._inputs(load(props, self.keyed_fields))
        wrote(type(self), self.service(inputs), inputs)
        try:
            found = Creation(self, inputs).run()
        except ProviderError as exc:
            raise self._fail("creating", inputs, exc) from None
        return CreateResult(found["id"], store(self._outputs(found, inputs), self.keyed_fields))

    def read(self, id_: str, stored: dict[str, Any]) -> ReadResult:
        props = load(stored, self.keyed_fields)
        connection = self._connection(props)
        partial = self._partial_inputs(props, connection)
        try:
            found = read_through(type(self), self.service(partial), id_, partial, props)
        except ProviderError as exc:
            raise ProviderError(f"reading {self.kind} {id_}: {exc}") from None
        if found is None:
            warn(f"{self.kind} {id_} ({self._stored_label(props)}) was deleted outside Pulumi; "
                 "it is removed from the stack and `pulumi up` will create it again")
            return ReadResult("", {})
        outputs = {**found, **{f: _first(props.get(f), self.inputs_model.model_fields[f].default)
                               for f in self.lifecycle_fields}, "connection": connection}
        # A list stored by a release before 0.3.0 stays a list, so that upgrading shows no change.
        inputs = store(self.read_inputs(outputs, props), self.keyed_fields)
        return ReadResult(id_, store(outputs, self.keyed_fields, like=stored), inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        olds, news = load(olds, self.keyed_fields), load(news, self.keyed_fields)
        inputs = self._inputs(news)
        wrote(type(self), self.service(inputs), inputs)
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
        return UpdateResult(store(self._outputs(found, inputs), self.keyed_fields))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        props = load(props, self.keyed_fields)
        owner = owners(type(self)).owner(id_)
        if owner is not None:
            warn(f"not deleting {self.kind} {id_} ({self._stored_label(props)}): {owner} took it over in this run, "
                 f"so this resource only leaves the stack; {self.moved_hint}")
            return
        connection = self._connection(props)
        partial = self._partial_inputs(props, connection)
        wrote(type(self), self.service(partial), partial)
        try:
            self.service(partial).remove(id_, props)
        except ProviderError as exc:
            raise ProviderError(f"deleting {self.kind} {id_} ({self._stored_label(props)}): {exc}") from None

    def _show_adoption(self, inputs: I) -> None:
        """Says, before anything is written, what taking the existing object over will change."""
        try:
            notice = Creation(self, inputs).adoption_notice()
        except ProviderError as exc:
            notice = f"{self.kind} {inputs.label()}: could not look up the object to adopt ({exc})"
        if notice:
            warn(notice)

    def differs(self, found: dict[str, Any], inputs: I) -> bool:
        """Whether a found object's domain fields differ from the declaration."""
        declared = inputs.model_dump()
        return any(not self.same_field(f, found.get(f), declared.get(f)) for f in self.domain_fields)

    # -- shared helpers ---------------------------------------------------------------
    def same_field(self, field: str, old: Any, new: Any) -> bool:
        """Whether a stored and a declared value of ``field`` are equal, as ``diff`` compares them."""
        return same(old, new, unordered=field in self.list_fields)

    def _inputs(self, props: dict[str, Any]) -> I:
        data = {k: v for k, v in props.items() if k in self.inputs_model.model_fields}
        return cast(I, self.inputs_model.model_validate(data))

    def _connection(self, props: dict[str, Any]) -> str:
        """The namespace a stored object's connection comes from (older state may lack it)."""
        return props.get("connection") or self.inputs_model.model_fields["connection"].default

    def _partial_inputs(self, props: dict[str, Any], connection: str) -> I:
        # Reads and deletes need only what identifies the object; the rest may be stale or incomplete.
        return cast(I, self.inputs_model.model_construct(**{**props, "connection": connection}))

    def _stored_label(self, props: dict[str, Any]) -> str:
        return ", ".join(repr(props.get(f, "?")) for f in self.natural_key_fields if f != "connection")

    def _outputs(self, found: dict[str, Any], inputs: I) -> dict[str, Any]:
        return {**found, **{f: plain(getattr(inputs, f)) for f in self.lifecycle_fields}}

    def _fail(self, action: str, inputs: I, exc: Exception, id_: str | None = None) -> ProviderError:
        label = inputs.label()
        target = f"{self.kind} {label}" + (f" ({id_})" if id_ and id_ not in label else "")
        return ProviderError(f"{action} {titled(target, inputs.__dict__.get('title'))}: {exc}")


def plain(value: Any) -> Any:
    """A value as the engine stores it: a nested model (a query) as the map it was given as."""
    return value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value


def one_line(failure: CheckFailure, props: dict[str, Any]) -> CheckFailure:
    """The failure without its property when that property holds a list or a map: the engine prints a named
    property's whole value in the error (``property usernames value {[...every name...]}``), and the reason
    already begins with the field."""
    top = failure.property.split("[")[0].split(".")[0]
    if isinstance(props.get(top), (list, dict)) or top != failure.property:
        return CheckFailure("", failure.reason)
    return failure


def _merged(failures: list[CheckFailure], limit: int = 2) -> list[CheckFailure]:
    """Past ``limit`` failures in the items of one list, the first and how many more: one line, not thousands."""
    by_field: dict[str, list[CheckFailure]] = {}
    for failure in failures:
        by_field.setdefault(failure.property.split("[")[0], []).append(failure)
    merged = []
    for field, group in by_field.items():
        if len(group) > limit and all("[" in f.property for f in group):
            merged.append(CheckFailure(field, f"{group[0].reason} (and {len(group) - 1} more items of {field} like it)"))
        else:
            merged.extend(group)
    return merged


def validate(model: type[ResourceInputs], known: dict[str, Any], unknown: set[str],
             problems: Callable[[str], list[ConfigError]]) -> tuple[ResourceInputs | None, list[CheckFailure]]:
    """The inputs when they are valid, and a failure per wrong field (the connection's settings included);
    fields still unknown at preview are not judged."""
    failures: list[CheckFailure] = []
    validated: ResourceInputs | None = None
    try:
        validated = model.model_validate(known)
    except ValidationError as exc:
        for err in exc.errors():
            field = errors.field_path(err["loc"])
            if field.split("[")[0].split(".")[0] not in unknown:
                failures.append(CheckFailure(field, f"{field}: {errors.field_message(err, 'property')}"))
    failures = _merged(failures)
    connection = known.get("connection", model.model_fields["connection"].default)
    if "connection" not in unknown and isinstance(connection, str) \
            and not any(f.property == "connection" for f in failures):
        for problem in problems(connection):
            failures.append(CheckFailure("connection", f"connection {connection!r}: {problem}"))
    return validated, failures


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def same(old: Any, new: Any, unordered: bool = False) -> bool:
    """Whether a declared value equals a stored one: ``None``, absent and empty are equal; lists may ignore order."""
    if has_unknown(new):
        return False
    if unordered:
        return sorted(old or []) == sorted(new or [])
    if old in (None, "") and new in (None, ""):
        return True
    return bool(old == new)


def has_unknown(value: Any) -> bool:
    """Whether a value holds an output not known yet (at preview)."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, (list, tuple)):
        return any(has_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    return False
