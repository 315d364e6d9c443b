"""The group lists in stack config: every problem named with file, list and entry, before any resource."""

from __future__ import annotations

import json

import pulumi
import pytest

from providers import stack_config


class FakeConfig:
    def __init__(self, **values):
        self.values = values

    def get_object(self, key):
        return self.values.get(key)


def load(**values):
    return stack_config.load(FakeConfig(**values), where="stacks/Pulumi.dev.yaml")


def test_valid_lists_and_keys():
    cfg = load(symphonyGroups=[{"name": "EMEA Compliance"}, {"key": "x", "name": "Y", "area": "A"}],
               swoGroups=[{"accountId": "ACC-1234-5678", "name": "Ops", "modules": ["MOD-1756"]}])
    assert [k for k, _ in cfg.symphony] == ["emea-compliance", "x"]
    assert [k for k, _ in cfg.swo] == ["ops"]
    assert cfg.swo[0][1].args().account_id == "ACC-1234-5678"


def test_absent_or_empty_lists():
    assert load().symphony == [] and load(swoGroups=[]).swo == []


@pytest.mark.parametrize("values,expect", [
    ({"swoGroups": [{"accountId": "ACC-1", "name": "A", "modules": ["MOD-1756"]}]}, "swoGroups[0] ('A'): accountId"),
    ({"swoGroups": [{"accountId": "ACC-1234-5678", "name": "A", "modules": ["MOD-1756"], "colour": 1}]}, "colour: is not a known field"),
    ({"swoGroups": [{"accountId": "ACC-1234-5678", "name": "A", "modules": "MOD-1756"}]}, "modules: Input should be a valid list"),
    ({"swoGroups": [{"accountId": "ACC-1234-5678", "name": "A"}]}, "modules: is required"),
    ({"symphonyGroups": [{"name": 5}]}, "symphonyGroups[0]: name: Input should be a valid string"),
    ({"symphonyGroups": [{"name": "A"}, {"name": "a"}]}, "key 'a' is used by"),
    ({"symphonyGroups": [{"key": "k", "name": "A"}, {"key": "k", "name": "B"}]}, "key 'k' is used by"),
    ({"symphonyGroups": {"name": "A"}}, "must be a list"),
    ({"symphonyGroups": ["A"]}, "must be a mapping"),
    ({"symphonyGroups": [{"key": "Bad Key", "name": "A"}]}, "key: String should match"),
])
def test_problems_name_file_list_entry(values, expect):
    with pytest.raises(pulumi.RunError) as exc:
        load(**values)
    text = str(exc.value)
    assert "stacks/Pulumi.dev.yaml: usergroups:" in text and expect in text, text


def test_all_problems_are_reported_at_once():
    with pytest.raises(pulumi.RunError) as exc:
        load(symphonyGroups=[{"name": ""}], swoGroups=[{"accountId": "x", "name": "n", "modules": []}])
    assert str(exc.value).count("\n  ") >= 3


@pytest.mark.parametrize("name", ["Ops \"quoted\"", "R&D (EMEA), 2026", "😀", "שלום", "運用"])
def test_unusual_names_get_a_stable_key(name):
    key = stack_config.slug(name)
    assert key == stack_config.slug(name) and key and json.dumps(key).isascii()
