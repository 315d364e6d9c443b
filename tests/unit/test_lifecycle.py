"""The shared lifecycle serves any resource kind: a toy kind with a two-field natural key, and an upsert kind."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import pytest
from pydantic import ConfigDict, Field

from providers import lifecycle
from providers.cache import clear
from providers.errors import ConfigError, ProviderError, TransportError
from providers.fields import spec
from providers.lifecycle import Provider, ResourceInputs, Service


class ShelfInputs(ResourceInputs):
    """A toy kind: a shelf is the same shelf when its room and its label agree."""

    model_config = ConfigDict(strict=True, extra="forbid")
    room: str = Field(**spec("room", replace=True, natural_key=True))
    tag: str = Field(**spec("tag", natural_key=True))
    colour: Optional[str] = Field(None, **spec("colour"))
    adopt: bool = Field(False, **spec("adopt", lifecycle=True))
    connection: str = Field("toy", **spec("connection", replace=True, natural_key=True, lifecycle=True))


class ShelfService(Service[ShelfInputs]):
    """Shelves in a dict; records every call."""

    def __init__(self, store: dict[str, dict[str, Any]], calls: list[str], failures: list[Exception]) -> None:
        self.store, self.calls, self.failures = store, calls, failures

    def get(self, id_: str, inputs: ShelfInputs, stored: dict[str, Any]) -> dict[str, Any] | None:
        self.calls.append("get")
        return self.store.get(id_)

    def find(self, inputs: ShelfInputs) -> list[dict[str, Any]]:
        self.calls.append("find")
        return [s for s in self.store.values() if (s["room"], s["tag"]) == (inputs.room, inputs.tag)]

    def scope(self, inputs: ShelfInputs) -> tuple[str, ...]:
        return (inputs.room,)

    def scan(self, inputs: ShelfInputs) -> list[dict[str, Any]]:
        self.calls.append("scan")
        return [s for s in self.store.values() if s["room"] == inputs.room]

    def create(self, inputs: ShelfInputs) -> dict[str, Any]:
        self.calls.append("create")
        shelf = {"id": f"S{len(self.store) + 1}", "room": inputs.room, "tag": inputs.tag, "colour": inputs.colour}
        self.store[shelf["id"]] = shelf
        if self.failures:
            raise self.failures.pop(0)  # the work was done, the answer lost
        return shelf

    def update(self, id_: str, inputs: ShelfInputs, olds: dict[str, Any]) -> dict[str, Any]:
        self.calls.append("update")
        self.store[id_]["colour"] = inputs.colour
        return self.store[id_]

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        self.calls.append("remove")
        self.store.pop(id_, None)


STORE: dict[str, dict[str, Any]] = {}
CALLS: list[str] = []
FAILURES: list[Exception] = []


class ShelfProvider(Provider[ShelfInputs]):
    """Shelves, looked up by (room, tag) before a create."""

    kind = "shelf"
    inputs_model = ShelfInputs

    def service(self, inputs: ShelfInputs) -> ShelfService:
        return ShelfService(STORE, CALLS, FAILURES)

    def connection_problems(self, namespace: str) -> list[ConfigError]:
        return []


class UpsertShelfProvider(ShelfProvider):
    """The same kind, when the API's create is an idempotent upsert."""

    lookup = False


@pytest.fixture(autouse=True)
def fresh() -> None:
    STORE.clear(), CALLS.clear(), FAILURES.clear(), clear()


def test_metadata_gives_the_natural_key_and_lifecycle_fields():
    assert set(ShelfProvider.natural_key_fields) == {"room", "tag", "connection"}
    assert set(ShelfProvider.lifecycle_fields) == {"adopt", "connection"}
    assert ShelfProvider.domain_fields == ("room", "tag", "colour")
    assert ShelfInputs(room="a", tag="t").natural_key() == ("a", "t")


def test_the_whole_natural_key_decides_what_already_exists():
    STORE["S1"] = {"id": "S1", "room": "a", "tag": "top", "colour": None}
    STORE["S2"] = {"id": "S2", "room": "a", "tag": "low", "colour": None}
    created = ShelfProvider().create({"room": "a", "tag": "middle", "connection": "toy"})
    assert created.id == "S3"  # same room, other tag: a new shelf
    with pytest.raises(ProviderError, match=r"shelf 'a', 'top' already exists \(S1\)"):
        ShelfProvider().create({"room": "a", "tag": "top", "connection": "toy"})
    adopted = ShelfProvider().create({"room": "a", "tag": "low", "colour": "red", "adopt": True, "connection": "toy"})
    assert adopted.id == "S2" and STORE["S2"]["colour"] == "red"
    assert CALLS.count("scan") == 1  # one listing of the room served all three creates


def test_an_ambiguous_create_is_recovered_by_natural_key_without_a_second_create():
    FAILURES.append(TransportError("Toy API", "POST", "/shelves", "connection reset", sent=True))
    created = ShelfProvider().create({"room": "b", "tag": "x", "connection": "toy"})
    assert created.id == "S1" and CALLS.count("create") == 1 and "find" in CALLS


def test_an_upsert_kind_repeats_the_create_after_an_ambiguous_failure_and_never_scans():
    FAILURES.append(TransportError("Toy API", "POST", "/shelves", "connection reset", sent=True))
    created = UpsertShelfProvider().create({"room": "b", "tag": "x", "connection": "toy"})
    assert CALLS == ["create", "create"] and created.outs["room"] == "b"
    assert created.outs["adopt"] is False and created.outs["connection"] == "toy"


def test_read_drops_a_vanished_object_and_keeps_the_lifecycle_settings():
    assert ShelfProvider().read("S9", {"room": "a", "tag": "t", "connection": "toy"}).id == ""
    STORE["S1"] = {"id": "S1", "room": "a", "tag": "t", "colour": "blue"}
    read = ShelfProvider().read("S1", {"room": "a", "tag": "t", "colour": None, "adopt": True, "connection": "toy"})
    assert read.outs["adopt"] is True and read.inputs["colour"] == "blue" and read.inputs["adopt"] is True


def test_the_shared_lifecycle_names_no_api():
    text = Path(lifecycle.__file__).read_text().lower()
    for api_word in ("swo", "symphony", "softwareone", "account", "modified_date", "ugr-", '"name"', 'getattr(inputs, "'):
        assert api_word not in text, api_word
    assert not re.search(r"type:\s*ignore\[arg-type\]", text)
