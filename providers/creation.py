"""How a resource is created without ever making a silent twin, and taken over when asked.

- a kind whose API create is not idempotent (``Provider.lookup``) is looked up by its natural
  key first (one listing per scope and process, ``ScopeIndex``), adopted only when asked, and
  after an ambiguous failure never created again without proof that nothing was (the journal
  in ``providers.pending``);
- a kind whose create is an idempotent upsert is simply sent again after an ambiguous failure;
- one object has one owner per run (``Owners``).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar

from . import pending
from .cache import shared
from .config import Settings
from .errors import ApiError, ProviderError, TransportError
from .fields import Key, ResourceInputs
from .notices import warn

if TYPE_CHECKING:
    from .lifecycle import Provider, Service

RECOVERY_DELAYS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
I = TypeVar("I", bound=ResourceInputs)


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

    A changed resource name makes the engine create the new resource (which, with
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


def owners(provider: type) -> Owners:
    """The run's owners of one provider class's objects."""
    return shared(("owners", provider.__name__), Owners)


class Creation(Generic[I]):
    """One create of one object, as ``provider`` makes it (looked up first, or an upsert)."""

    def __init__(self, provider: "Provider[I]", inputs: I) -> None:
        self.provider, self.inputs = provider, inputs
        self.service: "Service[I]" = provider.service(inputs)
        self.scope = (type(provider).__name__, inputs.connection, *self.service.scope(inputs))
        self.journal_key = "\x1f".join(str(part) for part in inputs.natural_key())

    def index(self) -> ScopeIndex:
        key_fields = self.inputs.key_fields()
        return shared(("index", *self.scope), lambda: ScopeIndex(lambda found: tuple(found.get(f) for f in key_fields)))

    def run(self) -> dict[str, Any]:
        """The created (or taken over) object's outputs."""
        # Two creates of the same object in one run must not both decide "not there yet".
        with shared(("create", *self.scope, self.journal_key), threading.Lock):
            if self.provider.lookup:
                existing = self.index().matching(self.inputs.natural_key(), lambda: self.service.scan(self.inputs))
                found = self.take_existing(existing)
                if found is None:
                    found = self.post({g["id"] for g in existing})
                pending.settle(self.scope, self.journal_key)
            else:
                found = self.upsert()
            owners(type(self.provider)).claim(found["id"], f"{self.provider.kind} {self.inputs.label()}")
            if self.provider.lookup and self.provider.differs(found, self.inputs):
                found = self.service.update(found["id"], self.inputs, found)  # adopted, reactivated, or inactive
            if self.provider.lookup:
                self.index().remember(found)
        return found

    def live_match(self) -> list[dict[str, Any]]:
        """The live objects with the inputs' natural key (for ``preview``'s adoption notice)."""
        matches = self.index().matching(self.inputs.natural_key(), lambda: self.service.scan(self.inputs))
        return [g for g in matches if self.provider.is_live(g)]

    def adoption_notice(self) -> str | None:
        """What taking the one live object with the inputs' natural key over will change (``None``: none, or several)."""
        live = self.live_match()
        if len(live) != 1:
            return None  # nothing to take over, or several: create says so
        declared = self.inputs.model_dump()
        changes = [f"{f}: {shown(live[0].get(f))} -> {shown(declared.get(f))}" for f in self.provider.domain_fields
                   if not self.provider.same_field(f, live[0].get(f), declared.get(f))]
        what = "; ".join(changes) if changes else "nothing (it matches the declaration)"
        return f"adopting {self.provider.kind} {self.inputs.label()} ({live[0]['id']}) will change: {what}"

    def take_existing(self, matches: list[dict[str, Any]]) -> dict[str, Any] | None:
        live = [m for m in matches if self.provider.is_live(m)]
        dormant = [m for m in matches if not self.provider.is_live(m)]
        hint, label = self.provider.natural_key_hint, self.inputs.label()
        if len(live) > 1:
            raise ProviderError(
                f"{len(live)} objects with the {hint} {label} already exist ({', '.join(m['id'] for m in live)}); "
                f"the {hint} is not unique here, so none is taken over: change the {hint} or remove the duplicates")
        if live:
            return self.take_live(live[0])
        if dormant:  # a deactivated twin (an API without delete): bring it back instead of piling up copies
            return max(dormant, key=self.service.last_changed)
        return None

    def take_live(self, live: dict[str, Any]) -> dict[str, Any]:
        if self.inputs.adopting():
            return live
        kind, label = self.provider.kind, self.inputs.label()
        attempt = pending.attempted(self.scope, self.journal_key)
        if attempt is not None and pending.created_after(self.service.created_at(live), attempt) \
                and not self.provider.differs(live, self.inputs):
            warn(f"{kind} {label}: taking over {live['id']}, which the unanswered create of {when(attempt)} made "
                 "(created after it, every declared field matches)")
            return live
        earlier = (f"; an earlier create at {when(attempt)} had no answer, but this one was created before it or "
                   "differs from the declaration") if attempt is not None else ""
        raise ProviderError(f"{kind} {label} already exists ({live['id']}){earlier}; set adopt=True to "
                            f"manage it with Pulumi, or choose another {self.provider.natural_key_hint}")

    def post(self, before: set[str]) -> dict[str, Any]:
        earlier = pending.attempted(self.scope, self.journal_key)
        window = Settings(self.inputs.connection, self.provider.config).number("pendingWindow", pending.DEFAULT_WINDOW)
        if earlier is not None and time.time() - earlier < window:
            raise ProviderError(
                f"an earlier create of this {self.provider.kind} at {when(earlier)} had no answer and may still be "
                f"committed by the server; no new create is sent before {when(earlier + window)} "
                f"({self.inputs.connection}:pendingWindow, {window:g}s): run `pulumi up` again then")
        attempted_at = time.time()
        try:
            return self.service.create(self.inputs)
        except (TransportError, ApiError) as exc:
            if not ambiguous(exc):
                raise
            return self.recover(exc, before, attempted_at)

    def recover(self, first_error: Exception, before: set[str], attempted_at: float) -> dict[str, Any]:
        # The create may or may not have been processed: look before doing anything else.
        waits = RECOVERY_DELAYS if isinstance(first_error, TransportError) else RECOVERY_DELAYS[:2]
        for delay in waits:
            time.sleep(delay)
            new = [g for g in self.service.find(self.inputs) if g["id"] not in before]
            if len(new) == 1:
                return new[0]
            if len(new) > 1:
                raise ProviderError(
                    f"{first_error}; afterwards {len(new)} new objects {self.inputs.label()} were found "
                    f"({', '.join(g['id'] for g in new)}): keep one (adopt it) and remove the others")
        # Not found is no proof that nothing was created: a slow server may still commit the
        # first create, and a second one would make a twin. Remember the attempt and stop.
        pending.record(self.scope, self.journal_key, attempted_at)
        raise ProviderError(
            f"{first_error}; it did not appear within {sum(waits):g}s, but the server may still create it, "
            "so no second create was sent. Run `pulumi up` again: one that appears with exactly the declared "
            "fields after this attempt is taken over, anything else is reported")

    def upsert(self) -> dict[str, Any]:
        """A create the API makes idempotent: after an ambiguous failure, the same call is simply sent again."""
        for attempt, delay in enumerate(RECOVERY_DELAYS[:3]):
            time.sleep(delay)
            try:
                return self.service.create(self.inputs)
            except (TransportError, ApiError) as exc:
                if not ambiguous(exc) or attempt == 2:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")


def ambiguous(exc: Exception) -> bool:
    """Whether a failed write may have been done all the same."""
    if isinstance(exc, TransportError):
        return exc.sent
    # 503 says the server could not handle the request (the HTTP layer retries it); other
    # 5xx answers may come after the work was done.
    return isinstance(exc, ApiError) and exc.status >= 500 and exc.status != 503


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
