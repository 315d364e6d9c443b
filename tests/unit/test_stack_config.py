"""The group lists in stack config: every problem named with file, list and entry, before any resource."""

from __future__ import annotations

import json

import pulumi
import pytest

from program import stack_config


class FakeConfig:
    def __init__(self, **values):
        self.values = values

    def get_object(self, key):
        return self.values.get(key)


def load(all_config=None, secret_keys=(), **values):
    everything = {f"usergroups:{k}": v for k, v in values.items()}
    everything.update(all_config or {})
    return stack_config.load(FakeConfig(**values), where="stacks/Pulumi.dev.yaml", all_config=everything,
                             secret_keys=secret_keys)


def problems(**kwargs) -> str:
    with pytest.raises(pulumi.RunError) as exc:
        load(**kwargs)
    return str(exc.value)


def test_valid_lists_and_keys():
    cfg = load(symphonyGroups=[{"key": "emea", "name": "EMEA Compliance"}, {"key": "x", "name": "Y", "area": "A"}],
               swoGroups=[{"key": "ops", "accountId": "ACC-1234-5678", "name": "Ops", "modules": ["MOD-1756"]}])
    assert [k for k, _ in cfg.symphony] == ["emea", "x"]
    assert [k for k, _ in cfg.swo] == ["ops"]
    assert cfg.swo[0][1].args().account_id == "ACC-1234-5678"


def test_a_key_is_required_and_the_message_gives_the_one_that_keeps_the_resource():
    text = problems(symphonyGroups=[{"name": "EMEA Compliance"}])
    assert "symphonyGroups[0] ('EMEA Compliance'): key: is required; add `key: emea-compliance`" in text


def test_former_keys_become_aliases_and_cannot_collide():
    cfg = load(swoGroups=[{"key": "itops", "formerKeys": ["it-ops"], "accountId": "ACC-1234-5678", "name": "IT",
                           "modules": ["MOD-1756"]}])
    (alias,) = cfg.swo[0][1].options().aliases
    assert alias.name == "it-ops" and "former_keys" not in vars(cfg.swo[0][1].args())
    text = problems(swoGroups=[
        {"key": "a", "formerKeys": ["b"], "accountId": "ACC-1234-5678", "name": "A", "modules": ["MOD-1756"]},
        {"key": "b", "accountId": "ACC-1234-5678", "name": "B", "modules": ["MOD-1756"]}])
    assert "key 'b' is used by" in text


@pytest.mark.parametrize("values,expect", [
    ({"symphonyGroups": [{"key": "a", "name": "Same"}, {"key": "b", "name": "Same"}]},
     "symphonyGroups[1] ('b'): stands for the same group as usergroups:symphonyGroups[0] ('a')"),
    ({"swoGroups": [{"key": "a", "accountId": "ACC-1234-5678", "name": "Ops", "modules": ["MOD-1756"]},
                    {"key": "b", "accountId": "ACC-1234-5678", "name": "Ops", "modules": ["MOD-1001"]}]},
     "swoGroups[1] ('b'): stands for the same group as usergroups:swoGroups[0] ('a')"),
])
def test_two_entries_cannot_own_one_group(values, expect):
    assert expect in problems(**values)


def test_two_namespaces_on_one_tenant_are_one_tenant():
    entries = [{"key": "a", "name": "Same"}, {"key": "b", "name": "Same", "connection": "pod2"}]
    same = {"symphony:podUrl": "https://acme.symphony.com", "pod2:podUrl": "https://ACME.symphony.com/"}
    assert "stands for the same group" in problems(symphonyGroups=entries, all_config=same)
    other = {"symphony:podUrl": "https://acme.symphony.com", "pod2:podUrl": "https://other.symphony.com"}
    assert len(load(symphonyGroups=entries, all_config=other).symphony) == 2
    # same type and name in different accounts, or of different types, are different groups
    assert len(load(symphonyGroups=[{"key": "a", "name": "S"}, {"key": "b", "name": "S", "type": "CEP_VISIBILITY_GROUP"}]).symphony) == 2


@pytest.mark.parametrize("key,expect", [
    ("usergroups:swoGroup", "usergroups:swoGroup: is not a known key; did you mean usergroups:swoGroups?"),
    ("swo:apiURL", "swo:apiURL: is not a known key; did you mean swo:apiUrl?"),
    ("symphony:podURL", "did you mean symphony:podUrl?"),
    ("symphony:readTimout", "did you mean symphony:readTimeout?"),
    ("swo:caBundle", "did you mean swo:caBundlePath?"),
])
def test_unknown_keys_fail_with_the_nearest_known_one(key, expect):
    assert expect in problems(all_config={key: "x"})


def test_keys_of_other_namespaces_are_not_ours_to_judge():
    assert load(all_config={"aws:region": "eu-west-1", "myapp:anything": "1"}).symphony == []
    # a connection namespace an entry names is checked like the default ones
    entries = [{"key": "a", "name": "A", "connection": "pod2"}]
    assert "pod2:podUrll: is not a known key" in problems(symphonyGroups=entries, all_config={"pod2:podUrll": "x"})


def test_plain_text_credentials_are_refused():
    text = problems(all_config={"swo:apiToken": "idt:TKN-1:abc", "symphony:sessionToken": "s",
                                "symphony:proxyUrl": "http://u:pw@proxy:3128"})
    assert "swo:apiToken: is stored in plain text; set it with `pulumi config set --secret swo:apiToken" in text
    assert "symphony:sessionToken: is stored in plain text" in text and "symphony:proxyUrl" in text
    assert "abc" not in text and "pw@" not in text
    ok = load(all_config={"swo:apiToken": "x", "symphony:proxyUrl": "http://proxy:3128"}, secret_keys={"swo:apiToken"})
    assert ok.swo == []


def test_absent_or_empty_lists():
    assert load().symphony == [] and load(swoGroups=[]).swo == []


@pytest.mark.parametrize("values,expect", [
    ({"swoGroups": [{"key": "a", "accountId": "ACC-1", "name": "A", "modules": ["MOD-1756"]}]}, "swoGroups[0] ('a'): accountId"),
    ({"swoGroups": [{"key": "a", "accountId": "ACC-1234-5678", "name": "A", "modules": ["MOD-1756"], "colour": 1}]}, "colour: is not a known field"),
    ({"swoGroups": [{"key": "a", "accountId": "ACC-1234-5678", "name": "A", "modules": "MOD-1756"}]}, "modules: Input should be a valid list"),
    ({"swoGroups": [{"key": "a", "accountId": "ACC-1234-5678", "name": "A"}]}, "modules: is required"),
    ({"symphonyGroups": [{"key": "k", "name": 5}]}, "symphonyGroups[0] ('k'): name: Input should be a valid string"),
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
        load(symphonyGroups=[{"key": "a", "name": ""}], swoGroups=[{"key": "b", "accountId": "x", "name": "n", "modules": []}])
    assert str(exc.value).count("\n  ") >= 3


@pytest.mark.parametrize("name", ["Ops \"quoted\"", "R&D (EMEA), 2026", "😀", "שלום", "運用"])
def test_unusual_names_get_a_valid_suggested_key(name):
    import re
    key = stack_config.slug(name)
    assert re.fullmatch(stack_config.KEY_PATTERN, key) and json.dumps(key).isascii()


@pytest.mark.parametrize("name,key", [("EMEA Compliance", "emea-compliance"), ("R&D (EMEA), 2026", "r-d-emea-2026"),
                                      ("Ünïcödé", "unicode"), ("  Ops  ", "ops")])
def test_suggested_keys_are_the_slugs_users_expect(name, key):
    assert stack_config.slug(name) == key


SWO_ENTRY = {"key": "proc", "accountId": "ACC-1234-5678", "name": "Procurement", "modules": ["MOD-1756"]}


def test_users_as_a_whole_list_or_as_additions():
    whole = load(swoGroups=[{**SWO_ENTRY, "users": ["USR-1234-0001", "jane.doe@contoso.com"]}]).swo[0][1]
    ((_, name, args, _),) = whole.memberships("UGR-1111-2222")
    assert name == "proc" and args.users == ["USR-1234-0001", "jane.doe@contoso.com"]
    assert not hasattr(whole.args(), "users")  # the group resource itself never carries users
    added = load(swoGroups=[{**SWO_ENTRY, "formerKeys": ["old"], "users": {"add": ["USR-1234-0002"]}}]).swo[0][1]
    ((_, name, args, opts),) = added.memberships("UGR-1111-2222")
    assert name == "proc/USR-1234-0002" and args.user == "USR-1234-0002"
    assert [a.name for a in opts.aliases] == ["old/USR-1234-0002"]
    assert load(swoGroups=[SWO_ENTRY]).swo[0][1].memberships("UGR-1111-2222") == []


@pytest.mark.parametrize("users,expect", [
    (["USR-1234-0001", "USR-1234-0001"], "users: lists 'USR-1234-0001' more than once"),
    (["jane"], "'jane' is neither a user id"),
    ({"add": ["a@b"]}, "is not a valid e-mail address"),
    ({"remove": ["USR-1234-0001"]}, "users.remove: is not a known field"),
])
def test_bad_users_are_refused_naming_the_entry(users, expect):
    text = problems(swoGroups=[{**SWO_ENTRY, "users": users}])
    assert "usergroups:swoGroups[0] ('proc')" in text and expect in text


def test_symphony_members_and_assignees():
    entry = {"key": "emea", "name": "EMEA Compliance"}
    whole = load(symphonyGroups=[{**entry, "members": ["alice.smith", "bob.jones"],
                                  "assignees": ["carol.officer"]}]).symphony[0][1]
    made = whole.memberships("g1")
    assert [(cls.__name__, name) for cls, name, _, _ in made] == [
        ("SymphonyUserGroupMembers", "emea"), ("SymphonyUserGroupAssignment", "emea/carol.officer")]
    assert made[0][2].usernames == ["alice.smith", "bob.jones"] and made[1][2].username == "carol.officer"
    assert whole.exported_people() == {"members": {"alice.smith": True, "bob.jones": True},
                                       "assignees": {"carol.officer": True},
                                       "memberCount": 2, "assigneeCount": 1}
    added = load(symphonyGroups=[{**entry, "members": {"add": ["dave"]}}]).symphony[0][1]
    assert [(cls.__name__, name) for cls, name, _, _ in added.memberships("g1")] == [
        ("SymphonyUserGroupMember", "emea/dave")]
    text = problems(symphonyGroups=[{**entry, "members": ["a", "a"], "assignees": ["x,y"]}])
    assert "members: lists 'a' more than once" in text and "assignees[0]" in text and "comma" in text


def test_protect_reaches_the_group_and_its_people():
    entry = {"key": "emea", "name": "EMEA Compliance", "protect": True, "members": {"add": ["dave"]}}
    loaded = load(symphonyGroups=[entry]).symphony[0][1]
    assert loaded.options().protect is True and not hasattr(loaded.args(), "protect")
    assert all(opts.protect is True for _, _, _, opts in loaded.memberships("g1"))
    assert load(symphonyGroups=[{**entry, "protect": False}]).symphony[0][1].options().protect is None



def test_a_config_nearing_the_room_the_engine_has_warns_naming_the_longest_inline_lists(monkeypatch):
    big = [f"bulk.user{i:05d}" for i in range(6000)]
    config = FakeConfig(symphonyGroups=[{"key": "desk", "name": "Desk", "members": big},
                                        {"key": "ops", "name": "Ops", "members": {"add": big[:10]}}],
                        swoGroups=[{"key": "buy", "accountId": "ACC-1234-5678", "name": "Buy",
                                    "modules": ["MOD-1756"], "users": ["USR-1234-0001"]}])
    said = stack_config.room_warning(100 * 1024, config)
    assert said and "100 KiB of the 128 KiB" in said and "argument list too long" in said
    assert "members: {file: people/<key>.members.txt}" in said
    assert "usergroups:symphonyGroups[0] ('desk') members (6000 names), usergroups:symphonyGroups[1] ('ops') " \
           "members (10 names), usergroups:swoGroups[0] ('buy') users (1 names)" in said
    assert stack_config.room_warning(80 * 1024, config) is None  # well within: nothing said
    # The program checks what the engine handed it: a warning through the engine's log.
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", warned.append)
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"usergroups:symphonyGroups": json.dumps(big)}))
    load(symphonyGroups=[{"key": "desk", "name": "Desk", "members": big}])
    assert len(warned) == 1 and "('desk') members (6000 names)" in warned[0]


def test_query_forms_make_whole_lists_chosen_by_the_directory(tmp_path):
    (tmp_path / "never.txt").write_text("dave.contractor\n")
    sym = stack_config.load(FakeConfig(symphonyGroups=[{
        "key": "emea", "name": "EMEA Compliance", "maxRemovals": 20,
        "members": {"query": {"company": "Acme Bank", "location": "London"}, "include": ["carol.officer"],
                    "exclude": {"file": "never.txt"}, "minMatches": 5},
        "assignees": {"query": {"role": "COMPLIANCE_OFFICER"}}}]),
        where="stacks/Pulumi.dev.yaml", all_config={}, secret_keys=(), root=tmp_path).symphony[0][1]
    made = {cls.__name__: (name, args) for cls, name, args, _ in sym.memberships("g1")}
    name, args = made["SymphonyUserGroupMembers"]
    assert name == "emea" and args.usernames == ["carol.officer"] and args.exclude == ["dave.contractor"]
    assert args.query == {"company": "Acme Bank", "location": "London"} and args.min_matches == 5
    assert args.max_removals == 20
    name, args = made["SymphonyUserGroupAssignees"]
    assert name == "emea" and args.query == {"role": "COMPLIANCE_OFFICER"} and args.usernames is None
    assert set(made) == {"SymphonyUserGroupMembers", "SymphonyUserGroupAssignees"}
    assert sym.people() == {"members": ["carol.officer"], "assignees": []}  # the ledger's: what the entry names

    swo = load(swoGroups=[{**SWO_ENTRY, "users": {"query": 'ilike(user.email,"*@contoso.com")'}}]).swo[0][1]
    ((cls, name, args, _),) = swo.memberships("UGR-1111-2222")
    assert cls.__name__ == "SwoUserGroupMembers" and args.query == 'ilike(user.email,"*@contoso.com")'


@pytest.mark.parametrize("entry,expect", [
    ({"members": {"query": {"locaton": "London"}}}, "members.query.locaton"),
    ({"members": {"query": {"location": "London"}, "includ": ["x"]}}, "members.includ"),
    ({"assignees": {"query": {}}}, "names no filter"),
])
def test_a_wrong_query_form_fails_naming_the_field(entry, expect):
    assert expect in problems(symphonyGroups=[{"key": "emea", "name": "EMEA", **entry}])


def test_a_wrong_rql_query_fails_naming_the_field():
    text = problems(swoGroups=[{**SWO_ENTRY, "users": {"query": 'ilik(user.email,"x")'}}])
    assert "users.query" in text and "not an RQL operator" in text
