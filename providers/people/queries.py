"""Lists that follow the directory: a whole people list chosen by a query, evaluated at every check.

The query's answer (the active people it matches, exactly), with the list's own people always in and
``exclude`` never, becomes the list the check hands on. Everything that holds for a list then holds for
it: the plan names who joins and leaves, the mass-removal guard, journaled writes, one group per person.
A query that cannot be asked, or that matches fewer people than ``min_matches`` (one by default), fails
the check: a directory outage or a mistyped filter must never empty a group.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure
from pydantic import TypeAdapter, ValidationError

from .. import errors
from ..errors import ProviderError, some
from ..fields import MIN_MATCHES, defaults, titled
from ..lifecycle import has_unknown
from ..notices import tell
from .adapter import PeopleAdapter, joining_and_leaving

QUERY_ONLY = ("exclude", "min_matches")  # inputs that mean something only beside a query
REASONS_AT_MOST = 20  # leavers whose reason is looked up; the rest are counted


def parsed_query(model: Any, value: Any) -> tuple[Any, list[CheckFailure]]:
    """The query validated by its input's type, or the failures naming each wrong part of it."""
    try:
        return TypeAdapter(model).validate_python(value), []
    except ValidationError as exc:
        return None, [CheckFailure("query", f"query{'.' + errors.field_path(e['loc']) if e['loc'] else ''}: "
                                            f"{errors.field_message(e, 'filter')}") for e in exc.errors()]


def choose(adapter: PeopleAdapter, query: Any, include: list[str], exclude: list[str],
           floor: int) -> tuple[list[str], list[str]]:
    """Who the list holds: the query's people (by the name each is declared by), the ``include``d, less
    the ``exclude``d; and the names of the query's answer. Raises ``ProviderError`` for an answer under
    ``floor``."""
    matched = adapter.matching(query)
    if len(matched) < floor:
        raise ProviderError(f"matches {len(matched)} active {adapter.noun}s, fewer than min_matches ({floor}); "
                            "nothing is changed: a directory outage or a mistyped filter must never empty a group. "
                            "Check the filters, or set min_matches lower if the group may be that small")
    never = {adapter.key(v) for v in exclude}
    chosen: dict[str, str] = {}
    for person in matched:
        keys = {adapter.key(n) for n in (person.shown, *person.names)}
        if not keys & never:
            chosen.setdefault(adapter.key(person.shown), person.shown)
            for extra in keys:  # an included spelling of someone matched is that person, not a second one
                chosen.setdefault(extra, "")
    for value in include:
        if adapter.key(value) not in never:
            chosen.setdefault(adapter.key(value), value)
    return sorted(v for v in chosen.values() if v), [p.shown for p in matched]


def explain(adapter: PeopleAdapter, what: str, query: Any, before: Any, after: list[str], exclude: list[str],
            matched: list[str]) -> None:
    """The plan's line for a query: how many it matches, and why each who leaves no longer does."""
    # Nobody "now matches" on a first run: the list had no one yet.
    joining, leaving = (joining_and_leaving(type(adapter), before, after) if before else None) or ([], [])
    line = f"query of {what}: matches {len(matched)} active {adapter.noun}s"
    if joining:
        line += f"; now matching: {some(joining, 3)}"
    if leaving:
        never = {adapter.key(v) for v in exclude}
        asked = [v for v in leaving if adapter.key(v) not in never][:REASONS_AT_MOST]
        try:
            reasons = adapter.why_not(query, asked)
        except ProviderError:
            reasons = {}
        told = [f"{v} ({'excluded' if adapter.key(v) in never else reasons.get(v, 'no longer matches the query')})"
                for v in leaving[:REASONS_AT_MOST]]
        more = len(leaving) - len(told)
        line += f"; leaving: {', '.join(told)}" + (f" and {more} more" if more > 0 else "")
    tell(line)


def expand(provider: Any, olds: dict[str, Any], news: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """``news`` with the list a query chooses in the people field, or the failures that stop the check.
    Without a query, ``news`` as it is (after refusing the inputs that need one)."""
    field = provider.people_field
    if news.get("query") is None:
        given = [f for f in QUERY_ONLY if news.get(f) is not None]
        return news, [CheckFailure(f, f"{f}: applies only beside a query; remove it, or add a query") for f in given]
    if any(has_unknown(news.get(f)) for f in (field, "query", "exclude", "connection", *provider.group_fields())
           if f != "group_id"):
        return news, []  # evaluated once every input it depends on is known
    query, failures = parsed_query(provider.inputs_model.model_fields["query"].annotation, news["query"])
    if failures:
        return news, failures
    inputs = provider.inputs_model.model_construct(**{**defaults(provider.inputs_model), **news})
    include = [v for v in news.get(field) or [] if isinstance(v, str)]
    exclude = [v for v in news.get("exclude") or [] if isinstance(v, str)]
    floor = int(news["min_matches"]) if news.get("min_matches") is not None else MIN_MATCHES
    adapter = provider.adapter(inputs)
    try:
        chosen, matched = choose(adapter, query, include, exclude, floor)
    except ProviderError as exc:
        return news, [CheckFailure("query", f"query: {exc}")]
    group = next((str(g) for g in (news.get("group_id"), olds.get("group_id")) if isinstance(g, str) and g),
                 "the new group")
    what = titled(f"{provider.kind} of {group}", news.get("title"))
    before = olds.get(field)
    explain(adapter, what, query, before, chosen, exclude, matched)
    return {**news, field: chosen}, []
