"""Every error path of the people resources reads as one line: under 300 characters, no repr, no doubled word.

The engine adds its own prefix (``<type> resource '<name>' has a problem: ``, about 90 characters) to a
check failure, and ``Exception calling application: `` to a failed write; the provider's own text is
held to a budget that leaves room for both."""

from __future__ import annotations

from typing import Callable

import pytest

from providers.errors import ProviderError
from tests.readable import problems
from tests.unit.test_people_rules import LIST_WORLDS, WORLDS, World, make, many, new_run

BUDGET = 230  # the provider's part of the line (the CLI's whole line is held to 300 end to end)


def failure_text(run: Callable[[], object]) -> str:
    """The one message a check failure or a raised error gives the user."""
    try:
        result = run()
    except ProviderError as exc:
        return str(exc)
    failures = getattr(result, "failures", None)
    assert failures, "expected a failure"
    return " | ".join(f.reason for f in failures)


def list_paths(w: World) -> dict[str, Callable[[], object]]:
    provider = w.provider(w.list_cls)
    before = w.list_props(w.refs[:2])
    crowd = [*w.refs, *many(w, 30)]
    return {
        "unknown person": lambda: provider.check({}, w.list_props([*crowd, "mallory"])),
        "two spellings": lambda: provider.check({}, w.list_props([w.refs[0], w.refs[0].upper()])),
        "emptied": lambda: provider.diff("g", before, w.list_props([])),
        "mass removal": lambda: provider.diff("g", w.list_props(crowd), w.list_props(crowd[:1])),
        "duplicate": lambda: provider.check({}, w.list_props([w.refs[0], w.refs[0]])),
    }


def one_paths(w: World) -> dict[str, Callable[[], object]]:
    provider = w.provider(w.one_cls)
    return {
        "unknown person": lambda: provider.check({}, w.one_props("mallory")),
        "blank": lambda: provider.check({}, w.one_props(" ")),
    }


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_list_errors_are_one_readable_line(rsps, name):
    w = make(rsps, name)
    for path, run in list_paths(w).items():
        new_run()
        text = failure_text(run)
        assert not problems(text, BUDGET), (path, text, problems(text, BUDGET))


@pytest.mark.parametrize("name", list(WORLDS))
def test_additive_errors_are_one_readable_line(rsps, name):
    w = make(rsps, name)
    for path, run in one_paths(w).items():
        new_run()
        text = failure_text(run)
        assert not problems(text, BUDGET), (path, text, problems(text, BUDGET))


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_list_and_an_additive_person_on_one_group_is_one_readable_line(rsps, name):
    w = make(rsps, name)
    w.provider(w.list_cls).check({}, w.list_props(w.refs[:1]))
    text = failure_text(lambda: w.provider(w.one_cls).check({}, w.one_props(w.refs[1])))
    assert "has both a whole" in text and not problems(text, 320), (text, problems(text, 320))
