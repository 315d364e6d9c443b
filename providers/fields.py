"""Field rules both resources share, for their pydantic input models."""

from __future__ import annotations

import unicodedata
from collections import Counter
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints

NAME_MAX = 255
DESCRIPTION_MAX = 4000


def not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    return value


def unique(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is not None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise ValueError(f"lists {value!r} more than once")
            seen.add(value)
    return values


# Characters that change what a reader sees without being seen: controls (newline, tab, ESC) and the
# format characters, among them the bidi overrides and zero-width joiners.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def no_hidden(value: str) -> str:
    """Refuses control and invisible format characters, which could forge output lines or hide a lookalike."""
    for ch in value:
        if unicodedata.category(ch) in HIDDEN_CATEGORIES:
            raise ValueError(f"holds the invisible or control character U+{ord(ch):04X} "
                             f"({unicodedata.name(ch, 'unnamed')}); write it without")
    return value


def fold(value: str) -> str:
    """What two spellings that a reader could take for one person have in common: compatibility
    normalisation and full case folding (``Straße`` ~ ``STRASSE``, ``ﬁ`` ~ ``fi``, the Kelvin sign ~ ``k``).
    Never used to match a person, only to refuse a second spelling of one."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def ascii_lower(value: str) -> str:
    """Upper-case ASCII letters to lower case, nothing else (no Unicode folding)."""
    return value.translate(_ASCII_LOWER)


_ASCII_LOWER = {ord(c): ord(c) + 32 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def unique_people(values: list[str]) -> list[str]:
    """No person twice, however spelled: values that fold together (``Carol.Officer`` and
    ``carol.officer``, Unicode lookalikes) are refused naming both spellings."""
    seen: dict[str, str] = {}
    counts = Counter(values)  # once: a list of 20,000 names is checked in linear time
    for value in values:
        first = seen.setdefault(fold(value), value)
        if first == value and counts[value] > 1:
            raise ValueError(f"lists {value!r} more than once")
        if first != value:
            raise ValueError(f"lists {first!r} and {value!r}, which may be one person (they differ only in case "
                             "or in lookalike characters); declare each person once, spelled as the API has them")
    return values


Name = Annotated[str, StringConstraints(max_length=NAME_MAX), AfterValidator(not_blank), AfterValidator(no_hidden)]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX)]
Namespace = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]


# -- per-field metadata: the input model is the one declaration of a field ----------------------
def spec(description: str, *, replace: bool = False, unordered: bool = False, natural_key: bool = False,
         config_name: str | None = None, lifecycle: bool = False, people: bool = False,
         required: str | None = None, on_change: str | None = None) -> dict[str, Any]:
    """``Field(**spec(...))``: what the lifecycle, the stack config and the docs need to know of a field.

    - ``replace``: a change makes a new resource (the API cannot update it in place);
    - ``unordered``: a list compared without order;
    - ``natural_key``: part of what makes two groups the same group (with the connection);
    - ``config_name``: the field's name in stack config, when it differs (``accountId``);
    - ``lifecycle``: a setting of the resource itself, not a field of the group (``adopt``, ``connection``);
    - ``people``: the people a people resource declares (a list of them, or one);
    - ``required``, ``on_change``: what the docs say of it, where the model's own rule is not the whole story
      (a list a query may fill in; a query that changes who is in).
    """
    return {"description": description,
            "json_schema_extra": {"replace": replace, "unordered": unordered, "naturalKey": natural_key,
                                  "configName": config_name, "lifecycle": lifecycle,
                                  "people": people, "required": required, "onChange": on_change}}


def field_meta(model: type[BaseModel], name: str) -> dict[str, Any]:
    extra = model.model_fields[name].json_schema_extra
    return dict(extra) if isinstance(extra, dict) else {}


def fields_where(model: type[BaseModel], flag: str, value: Any = True) -> tuple[str, ...]:
    """The model's fields whose metadata has ``flag`` equal to ``value``, in declaration order."""
    return tuple(n for n in model.model_fields if field_meta(model, n).get(flag, False) == value)


def defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The model's declared defaults that are plain values (what a check fills in for an absent input)."""
    return {name: f.default for name, f in model.model_fields.items() if f.default is not None and not callable(f.default)}


def domain_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The group's own fields: what ``diff`` compares and the API stores."""
    return fields_where(model, "lifecycle", False)


def config_name(model: type[BaseModel], name: str) -> str:
    return field_meta(model, name).get("configName") or name


# -- the base of every resource's inputs ------------------------------------------------------
Key = tuple[Any, ...]


class ResourceInputs(BaseModel):
    """Base of the validated inputs of a resource: every resource names its connection."""

    connection: str

    def key_fields(self) -> tuple[str, ...]:
        """The natural-key fields within one connection, from the field metadata."""
        return tuple(f for f in fields_where(type(self), "naturalKey") if f != "connection")

    def natural_key(self) -> Key:
        """What makes two objects the same object within one connection (e.g. a scope and a name)."""
        return tuple(getattr(self, f) for f in self.key_fields())

    def adopting(self) -> bool:
        """Whether an existing object with this natural key may be taken over (the ``adopt`` input)."""
        return bool(self.__dict__.get("adopt", False))

    def label(self) -> str:
        """How messages name this object, e.g. ``'Operations'``."""
        return ", ".join(repr(v) for v in self.natural_key())


# -- the mass-removal guard of whole people lists ---------------------------------------------
REMOVALS_FLOOR = 10  # an update may remove this many people, or a tenth of the list if that is more


def _whole_number(value: Any) -> Any:
    # The engine hands every number over as a float: 10.0 is the 10 the program declared.
    return int(value) if isinstance(value, float) and value.is_integer() else value


MaxRemovals = Annotated[int, BeforeValidator(_whole_number), Field(ge=0)]


def max_removals_field() -> Any:
    """The ``max_removals`` input of every whole people list (one declaration for all of them)."""
    return Field(None, **spec(
        f"the most people one update may remove or deactivate; default {REMOVALS_FLOOR}, or a tenth of the list if "
        "that is more. An update that removes more, or that empties a list, fails at preview, naming the people, "
        "until this allows it", lifecycle=True))


def title_field() -> Any:
    """The ``title`` input of every whole people list: how plans, warnings and errors name the list."""
    return Field(None, **spec(
        "how plan lines, warnings and errors name this list beside the group id (e.g. the stack entry's key); "
        "default: the resource's name. Never sent to the API; a change is no change of the group",
        lifecycle=True))


MinMatches = Annotated[int, BeforeValidator(_whole_number), Field(ge=0)]
CHOOSES = "update in place: who it now adds or drops is written"
FILLED_BY_QUERY = "yes, unless `query` is given"
MIN_MATCHES = 1  # a query that matches nobody never empties a group


def query_field(description: str) -> Any:
    """The ``query`` input of a whole people list: who the directory says is in (one declaration per API)."""
    return Field(None, **spec(description, lifecycle=True, on_change=CHOOSES))


def exclude_field() -> Any:
    """The ``exclude`` input of a whole people list: people a query matches who are never in."""
    return Field(None, **spec("with `query`: people never in the list, whatever the query matches", lifecycle=True,
                              on_change=CHOOSES))


def min_matches_field() -> Any:
    """The ``min_matches`` input of a whole people list: the floor under a query's answer."""
    return Field(None, **spec(
        f"with `query`: the fewest people the query may match (default {MIN_MATCHES}); fewer fails preview, so "
        "that a directory outage or a mistyped filter never empties the group", lifecycle=True))


def titled(kind_and_label: str, title: Any) -> str:
    """A message's name of a people list: the stack's own name for it first, where one is given, then its
    kind and group (``emea-compliance (Symphony group members of 65f…)``)."""
    return f"{title} ({kind_and_label})" if title else kind_and_label


def removals_allowed(declared: Any, before: int) -> int:
    """How many removals an update may make: the declared ``max_removals``, else the default."""
    return int(declared) if declared is not None else max(REMOVALS_FLOOR, before // 10)
