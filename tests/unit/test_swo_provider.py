"""SwoUserGroupProvider against a mocked SoftwareOne API (responses)."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
import requests
import responses
from pulumi.output import Unknown

from providers.errors import ProviderError
from providers.swo.provider import SwoUserGroupProvider
from tests.unit.helpers import FAST, SWO_TOKEN, SWO_URL, body, calls, configured

GROUPS = f"{SWO_URL}/public/v1/accounts/user-groups"
LIST = re.compile(re.escape(GROUPS) + r"\?.*")


def group(gid="UGR-1111-2222", name="Operations", revision=1, **extra):
    g = {"id": gid, "name": name, "revision": revision, "account": {"id": "ACC-1234-5678", "name": "Acme"},
         "modules": [{"id": "MOD-1756", "name": "Access Management"}], "isDefault": False,
         "audit": {"created": {"at": "2026-01-01T00:00:00Z"}}}
    g.update(extra)
    return g


def page(*groups, total=None, limit=100, offset=0):
    return {"$meta": {"pagination": {"offset": offset, "limit": limit, "total": len(groups) if total is None else total}},
            "data": list(groups)}


INPUTS = {"account_id": "ACC-1234-5678", "name": "Operations", "modules": ["MOD-1756"], "adopt": False,
          "connection": "swo"}


@pytest.fixture
def provider():
    return configured(SwoUserGroupProvider, {"swo:apiUrl": SWO_URL, "swo:apiToken": SWO_TOKEN,
                                             **{f"swo:{k}": v for k, v in FAST.items()}})


def unlisted(rsps):
    """The account's group listing, empty: every read asks for its group directly."""
    rsps.get(LIST, json={"$meta": {"pagination": {"offset": 0, "limit": 100, "total": 0}}, "data": []})


# -- check --------------------------------------------------------------------------------
def test_check_accepts_valid_inputs_and_fills_defaults(provider):
    result = provider.check({}, {"account_id": "ACC-1234-5678", "name": "Ops", "modules": ["MOD-1756"]})
    assert result.failures == []
    assert result.inputs["adopt"] is False and result.inputs["connection"] == "swo"
    assert result.inputs["name"] == "Ops"  # nothing rewritten


@pytest.mark.parametrize("field,value,expect", [
    ("account_id", "ACC-12-34", "account_id"),
    ("account_id", "BUY-1234-5678", "account_id"),
    ("name", "", "name"),
    ("name", "   ", "whitespace"),
    ("name", "x" * 256, "at most 255"),
    ("name", 42, "valid string"),
    ("modules", [], "at least 1"),
    ("modules", ["MOD-1756", "MOD-1756"], "more than once"),
    ("modules", ["MOD-17"], "modules[0]"),
    ("modules", "MOD-1756", "valid list"),
    ("buyers", ["BUY-1"], "buyers[0]"),
    ("buyers", ["BUY-1234-5678", "BUY-1234-5678"], "more than once"),
    ("extensions", ["a b"], "extensions[0]"),
    ("adopt", "yes", "adopt"),
])
def test_check_rejects_bad_input_naming_the_property(provider, field, value, expect):
    result = provider.check({}, {**INPUTS, field: value})
    assert result.failures, f"{field}={value!r} was accepted"
    assert any(f.reason.partition(": ")[0].startswith(field) and expect in f.reason for f in result.failures), result.failures


def test_check_rejects_unknown_property(provider):
    result = provider.check({}, {**INPUTS, "colour": "blue"})
    assert [f.reason.partition(": ")[0] for f in result.failures] == ["colour"]


def test_check_passes_unknowns_through(provider):
    result = provider.check({}, {**INPUTS, "name": Unknown(), "modules": [Unknown()]})
    assert result.failures == []


def test_check_names_missing_token_and_bad_url():
    p = configured(SwoUserGroupProvider, {"swo:apiUrl": "http://swo.example.com"})
    reasons = " ".join(f.reason for f in p.check({}, INPUTS).failures)
    assert "swo:apiUrl" in reasons and "https" in reasons
    p = configured(SwoUserGroupProvider, {"swo:apiUrl": SWO_URL})
    reasons = " ".join(f.reason for f in p.check({}, INPUTS).failures)
    assert "swo:apiToken" in reasons and "--secret" in reasons


def test_check_names_an_empty_connection_namespace(provider):
    failures = provider.check({}, {**INPUTS, "connection": "swo-eu"}).failures
    assert failures and "swo-eu:apiToken" in failures[0].reason


def test_env_fallback_for_other_namespace(monkeypatch):
    monkeypatch.setenv("SWO_EU_API_TOKEN", "eu-token-123456")
    p = configured(SwoUserGroupProvider, {})
    assert p.check({}, {**INPUTS, "connection": "swo-eu"}).failures == []


# -- diff ---------------------------------------------------------------------------------
def test_diff_no_change_with_none_absent_and_order(provider):
    olds = {**INPUTS, "modules": ["MOD-1001", "MOD-1756"], "description": None, "buyers": None, "revision": 3.0}
    news = {**INPUTS, "modules": ["MOD-1756", "MOD-1001"], "buyers": []}
    assert provider.diff("UGR-1", olds, news).changes is False


def test_diff_update_and_replace(provider):
    d = provider.diff("UGR-1", INPUTS, {**INPUTS, "name": "Renamed"})
    assert d.changes is True and d.replaces == []
    d = provider.diff("UGR-1", INPUTS, {**INPUTS, "account_id": "ACC-0000-0001"})
    assert d.replaces == ["account_id"] and d.delete_before_replace is False  # a new account: create first


def test_diff_extensions_replace_deletes_first(provider):
    # The published update schema has no extensions: a change makes a new group, and since the
    # new one has the old one's account and name, the old one must be gone before it is created.
    d = provider.diff("UGR-1", INPUTS, {**INPUTS, "extensions": ["EXT-1"]})
    assert d.replaces == ["extensions"] and d.delete_before_replace is True
    d = provider.diff("UGR-1", INPUTS, {**INPUTS, "extensions": ["EXT-1"], "name": "Other"})
    assert d.replaces == ["extensions"] and d.delete_before_replace is False


def test_diff_unknown_is_a_change(provider):
    assert provider.diff("UGR-1", INPUTS, {**INPUTS, "description": Unknown()}).changes is True


# -- create -------------------------------------------------------------------------------
def test_create_looks_up_then_posts_once(provider, rsps):
    rsps.get(LIST, json=page())
    rsps.post(GROUPS, json=group(), status=201)
    result = provider.create(dict(INPUTS))
    assert result.id == "UGR-1111-2222"
    assert result.outs["revision"] == 1 and result.outs["account_name"] == "Acme"
    assert result.outs["modules"] == ["MOD-1756"] and result.outs["adopt"] is False
    (post,) = calls(rsps, "POST")
    assert body(post) == {"name": "Operations", "account": {"id": "ACC-1234-5678"}, "modules": [{"id": "MOD-1756"}]}
    assert post.request.headers["Authorization"] == f"Bearer {SWO_TOKEN}"
    query = unquote(calls(rsps, "GET")[0].request.url.split("?", 1)[1])
    # one listing of the account, in a stable order, asking for the fields the platform may omit
    assert query == 'eq(account.id,"ACC-1234-5678")&select=+audit,+users&order=+id&limit=100&offset=0'
    assert unquote(post.request.url.split("?", 1)[1]) == "select=+audit,+users"


def test_many_creates_share_one_listing_and_refuse_a_same_run_twin(provider, rsps):
    rsps.get(LIST, json=page())
    for i in range(3):
        rsps.post(GROUPS, json=group(f"UGR-0000-000{i}", name=f"G{i}"), status=201)
    for i in range(3):
        provider.create({**INPUTS, "name": f"G{i}"})
    assert len(calls(rsps, "GET")) == 1 and len(calls(rsps, "POST")) == 3
    with pytest.raises(ProviderError, match=r"already exists \(UGR-0000-0001\)"):
        provider.create({**INPUTS, "name": "G1"})
    assert len(calls(rsps, "POST")) == 3


def test_create_refuses_existing_group_without_adopt(provider, rsps):
    rsps.get(LIST, json=page(group("UGR-5555-5555")))
    with pytest.raises(ProviderError, match=r"already exists \(UGR-5555-5555\).*adopt"):
        provider.create(dict(INPUTS))
    assert calls(rsps, "POST") == []


def test_create_adopts_and_converges(provider, rsps):
    rsps.get(LIST, json=page(group("UGR-5555-5555", description="old")))
    rsps.put(f"{GROUPS}/UGR-5555-5555", json=group("UGR-5555-5555", revision=2))
    result = provider.create({**INPUTS, "adopt": True})
    assert result.id == "UGR-5555-5555" and result.outs["revision"] == 2
    assert calls(rsps, "POST") == []
    assert body(calls(rsps, "PUT")[0])["description"] is None


def test_create_refuses_when_names_are_ambiguous_even_with_adopt(provider, rsps):
    rsps.get(LIST, json=page(group("UGR-1"), group("UGR-2")))
    with pytest.raises(ProviderError, match="UGR-1, UGR-2"):
        provider.create({**INPUTS, "adopt": True})


@pytest.mark.parametrize("failure", ["502", "reset", "timeout"])
def test_ambiguous_create_takes_the_one_group_it_finds(provider, rsps, failure):
    rsps.get(LIST, json=page())  # before the POST
    if failure == "502":
        rsps.post(GROUPS, status=502, json={"title": "Bad Gateway", "status": 502})
    else:
        rsps.post(GROUPS, body=requests.exceptions.ReadTimeout() if failure == "timeout"
                  else requests.exceptions.ConnectionError("Connection reset by peer"))
    rsps.get(LIST, json=page(group("UGR-7777-7777")))  # the POST did land
    result = provider.create(dict(INPUTS))
    assert result.id == "UGR-7777-7777"
    assert len(calls(rsps, "POST")) == 1  # never blindly repeated
    recovery = unquote(calls(rsps, "GET")[-1].request.url.split("?", 1)[1])
    assert recovery.startswith('and(eq(account.id,"ACC-1234-5678"),eq(name,"Operations"))')  # asked live


def test_ambiguous_create_with_nothing_found_never_posts_twice(provider, rsps, pending_journal):
    rsps.get(LIST, json=page())
    rsps.post(GROUPS, status=502, json={"title": "Bad Gateway", "status": 502})
    rsps.post(GROUPS, json=group(), status=201)
    with pytest.raises(ProviderError, match="may still create it, so no second create was sent"):
        provider.create(dict(INPUTS))
    assert len(calls(rsps, "POST")) == 1
    assert "Operations" in pending_journal.read_text()  # the attempt is remembered for the next run


def slow_commit_next_run(provider, rsps, created_at: str, **declared):
    """A first run whose POST had no answer, then a run that finds the group that appeared."""
    rsps.get(LIST, json=page())
    rsps.post(GROUPS, body=requests.exceptions.ReadTimeout())
    with pytest.raises(ProviderError, match="no second create"):
        provider.create(dict(INPUTS))
    from providers import cache
    cache.clear()  # the next run is a new provider process
    rsps.replace(responses.GET, LIST, json=page(group("UGR-5555-5555", audit={"created": {"at": created_at}})))
    return provider.create({**INPUTS, **declared})


def test_next_run_takes_over_the_slow_commit_when_it_matches(provider, rsps, pending_journal, capsys):
    result = slow_commit_next_run(provider, rsps, "2099-01-01T00:00:00Z")
    assert result.id == "UGR-5555-5555" and len(calls(rsps, "POST")) == 1
    assert "unanswered create" in capsys.readouterr().err and "Operations" not in pending_journal.read_text()


def test_next_run_asks_for_adopt_when_the_group_is_older_than_the_attempt(provider, rsps):
    with pytest.raises(ProviderError, match="created before it or differs.*set adopt=True"):
        slow_commit_next_run(provider, rsps, "2001-01-01T00:00:00Z")


def test_next_run_asks_for_adopt_when_a_field_differs(provider, rsps):
    with pytest.raises(ProviderError, match="set adopt=True"):
        slow_commit_next_run(provider, rsps, "2099-01-01T00:00:00Z", description="not what the server has")


def test_ambiguous_create_with_two_new_groups_lists_them(provider, rsps):
    rsps.get(LIST, json=page())
    rsps.post(GROUPS, status=504, json={"title": "Gateway Timeout", "status": 504})
    rsps.get(LIST, json=page(group("UGR-1"), group("UGR-2")))
    with pytest.raises(ProviderError, match="UGR-1, UGR-2"):
        provider.create(dict(INPUTS))


def test_create_400_names_fields_and_trace_without_token(provider, rsps):
    rsps.get(LIST, json=page())
    rsps.post(GROUPS, status=400, json={"title": "One or more validation errors occurred.", "status": 400,
                                        "traceId": "00-abc-01", "errors": {"modules[0]": ["Module not allowed"]},
                                        "detail": f"token {SWO_TOKEN} rejected"})
    with pytest.raises(ProviderError) as exc:
        provider.create(dict(INPUTS))
    text = str(exc.value)
    assert "modules[0]: Module not allowed" in text and "00-abc-01" in text and "Operations" in text
    assert SWO_TOKEN not in text and "\n" not in text


def test_401_and_403_are_reported(provider, rsps):
    rsps.get(LIST, status=401, json={"title": "Authentication Failed", "status": 401})
    with pytest.raises(ProviderError, match="401 Authentication Failed"):
        provider.create(dict(INPUTS))
    rsps.replace(responses.GET, LIST, status=403, json={"title": "Forbidden", "status": 403})
    with pytest.raises(ProviderError, match="403 Forbidden"):
        provider.create(dict(INPUTS))


# -- read ---------------------------------------------------------------------------------
def test_read_refreshes_outputs_and_inputs(provider, rsps):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/UGR-1111-2222", json=group(name="Renamed outside", description="d", users=[{"id": "USR-1"}]))
    result = provider.read("UGR-1111-2222", {**INPUTS, "adopt": True})
    assert result.id == "UGR-1111-2222"
    assert result.outs["name"] == "Renamed outside" and result.outs["user_ids"] == ["USR-1"]
    assert result.inputs["name"] == "Renamed outside" and result.inputs["adopt"] is True
    assert "revision" not in result.inputs


def test_read_429_then_success_honours_retry_after(provider, rsps, no_sleep):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/UGR-1", status=429, headers={"Retry-After": "2"}, json={"title": "Too Many Requests"})
    rsps.get(f"{GROUPS}/UGR-1", json=group("UGR-1"))
    assert provider.read("UGR-1", dict(INPUTS)).id == "UGR-1"
    assert any(2.0 <= w <= 2.5 for w in no_sleep)


def test_read_404_drops_with_warning(provider, rsps, capsys):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/UGR-1", status=404, json={"title": "Not Found", "status": 404})
    result = provider.read("UGR-1", dict(INPUTS))
    assert result.id == "" and result.outs == {}
    assert "deleted outside Pulumi" in capsys.readouterr().err


def test_read_5xx_exhausted(provider, rsps):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/UGR-1", status=503, json={"title": "Service Unavailable", "status": 503})
    with pytest.raises(ProviderError, match="503"):
        provider.read("UGR-1", dict(INPUTS))
    assert len(calls(rsps, "GET", "/user-groups/UGR-1")) == 4  # 1 + maxRetries (3 here)


# -- update -------------------------------------------------------------------------------
def test_update_sends_full_declared_set(provider, rsps):
    rsps.put(f"{GROUPS}/UGR-1", json=group("UGR-1", name="New", revision=2, buyers=[{"id": "BUY-1234-5678"}]))
    news = {**INPUTS, "name": "New", "buyers": ["BUY-1234-5678"]}
    result = provider.update("UGR-1", INPUTS, news)
    assert result.outs["revision"] == 2 and result.outs["buyers"] == ["BUY-1234-5678"]
    (put,) = calls(rsps, "PUT")
    # Exactly the published UpdateUserGroupDto: no extensions, account or revision.
    assert body(put) == {"name": "New", "modules": [{"id": "MOD-1756"}], "description": None,
                         "logo": None, "buyers": [{"id": "BUY-1234-5678"}]}
    assert put.request.url.endswith("?select=%2Baudit%2C%2Busers")


def test_find_by_name_uses_eq_and_compares_exactly(provider, rsps):
    # A collation may make eq ignore case: the twin "operations" must not be taken for "Operations".
    rsps.get(LIST, json=page(group("UGR-1", name="operations")))
    rsps.post(GROUPS, json=group(), status=201)
    assert provider.create(dict(INPUTS)).id == "UGR-1111-2222"
    query = unquote(calls(rsps, "GET")[0].request.url.split("?", 1)[1])
    assert "ilike" not in query and "like(" not in query


def test_a_name_with_both_quotes_is_compared_in_the_client(provider, rsps):
    name = "Both ' and \" quotes"
    rsps.get(LIST, json=page(group("UGR-1", name="Both ' and quotes"), group("UGR-2", name=name)))
    found = provider.service(provider._inputs({**INPUTS, "name": name})).find(provider._inputs({**INPUTS, "name": name}))
    assert [g["id"] for g in found] == ["UGR-2"]
    query = unquote(calls(rsps, "GET")[0].request.url.split("?", 1)[1])
    assert query.startswith('eq(account.id,"ACC-1234-5678")&') and "name" not in query


def test_update_retries_5xx_then_succeeds(provider, rsps):
    rsps.put(f"{GROUPS}/UGR-1", status=502, json={"title": "Bad Gateway"})
    rsps.put(f"{GROUPS}/UGR-1", json=group("UGR-1", revision=2))
    assert provider.update("UGR-1", INPUTS, INPUTS).outs["revision"] == 2


# -- delete -------------------------------------------------------------------------------
def test_delete_and_already_gone(provider, rsps):
    rsps.delete(f"{GROUPS}/UGR-1", status=204)
    provider.delete("UGR-1", dict(INPUTS))
    rsps.replace(responses.DELETE, f"{GROUPS}/UGR-1", status=404, json={"title": "Not Found"})
    provider.delete("UGR-1", dict(INPUTS))


def test_delete_refuses_default_group_without_calling(provider, rsps):
    with pytest.raises(ProviderError, match="default group"):
        provider.delete("UGR-1", {**INPUTS, "is_default": True})
    assert len(rsps.calls) == 0


def test_delete_with_users_says_how_many_and_what_to_do(provider, rsps):
    rsps.delete(f"{GROUPS}/UGR-1", status=400, json={"title": "Bad Request", "status": 400})
    rsps.get(f"{GROUPS}/UGR-1", json=group("UGR-1", users=[{"id": "USR-1"}, {"id": "USR-2"}]))
    with pytest.raises(ProviderError, match=r"still has 2 user\(s\).*destroy"):
        provider.delete("UGR-1", dict(INPUTS))


# -- lookups ------------------------------------------------------------------------------
def test_lookup_pages_with_null_total(provider, rsps):
    first = [group(f"UGR-0000-{i:04d}") for i in range(100)]
    rsps.get(LIST, json={"$meta": {"pagination": {"offset": 0, "limit": 100, "total": None}}, "data": first})
    rsps.get(LIST, json={"$meta": {"pagination": {"offset": 100, "limit": 100, "total": None}},
                         "data": [group("UGR-9999-9999")]})
    found = provider.service(provider._inputs(INPUTS)).client.find_by_name("ACC-1234-5678", "Operations")
    assert len(found) == 101
    offsets = [unquote(c.request.url).split("offset=")[1] for c in calls(rsps, "GET")]
    assert offsets == ["0", "100"]


# -- one owner per group in a run ----------------------------------------------------------
def test_a_group_taken_over_in_this_run_is_not_deleted_by_its_old_resource(provider, rsps, capsys):
    rsps.get(LIST, json=page(group("UGR-1111-2222")))
    assert provider.create({**INPUTS, "adopt": True}).id == "UGR-1111-2222"  # the renamed resource
    provider.delete("UGR-1111-2222", {**INPUTS, "name": "Operations"})       # the old one leaves the stack
    assert calls(rsps, "DELETE") == []
    err = capsys.readouterr().err
    assert "not deleting SoftwareOne user group UGR-1111-2222" in err and "took it over in this run" in err


def test_a_second_resource_cannot_take_over_the_same_group(provider, rsps):
    rsps.get(LIST, json=page(group("UGR-1111-2222")))
    provider.create({**INPUTS, "adopt": True})
    with pytest.raises(ProviderError, match="already managed by SoftwareOne user group 'Operations'"):
        provider.create({**INPUTS, "adopt": True, "description": "another resource"})


def test_check_names_every_missing_setting_at_once():
    p = configured(SwoUserGroupProvider, {"swo:apiUrl": "http://user:pw-123456@api.example.com"})
    reasons = " | ".join(f.reason for f in p.check({}, dict(INPUTS)).failures)
    assert "swo:apiUrl: must not carry a user or password" in reasons and "swo:apiToken: is not set" in reasons
    assert "pw-123456" not in reasons


def test_no_new_create_within_the_pending_window(provider, rsps, pending_journal):
    rsps.get(LIST, json=page())
    rsps.post(GROUPS, body=requests.exceptions.ReadTimeout())
    with pytest.raises(ProviderError, match="no second create"):
        provider.create(dict(INPUTS))
    from providers import cache
    cache.clear()
    rsps.replace(responses.POST, GROUPS, json=group(), status=201)
    with pytest.raises(ProviderError, match="may still be committed.*swo:pendingWindow"):
        provider.create(dict(INPUTS))  # nothing appeared yet: a POST now could make a twin
    assert len(calls(rsps, "POST")) == 1
    patient = configured(SwoUserGroupProvider, {"swo:apiUrl": SWO_URL, "swo:apiToken": SWO_TOKEN,
                                                "swo:pendingWindow": "0", **{f"swo:{k}": v for k, v in FAST.items()}})
    assert patient.create(dict(INPUTS)).id == "UGR-1111-2222"  # after the window, a create is sent
    assert "Operations" not in pending_journal.read_text()


def test_check_of_an_adoption_shows_what_will_change(provider, rsps, capsys):
    rsps.get(LIST, json=page(group("UGR-1111-2222", description="from the portal")))
    assert provider.check({}, {**INPUTS, "adopt": True, "description": "declared"}).failures == []
    err = capsys.readouterr().err
    assert "adopting SoftwareOne user group 'Operations' in ACC-1234-5678 (UGR-1111-2222) will change" in err
    assert "description: 'from the portal' -> 'declared'" in err
    assert calls(rsps, "PUT") == [] and calls(rsps, "POST") == []  # check only looks


def test_a_pager_that_never_ends_fails_instead_of_hanging(provider, rsps):
    # total is null and every page is full and the same: without a guard this would loop forever.
    rsps.get(LIST, json=page(*[group(f"UGR-0000-{i:04d}", name=f"G{i}") for i in range(100)], total=None) | {
        "$meta": {"pagination": {"offset": 0, "limit": 100, "total": None}}})
    with pytest.raises(ProviderError, match="again with nothing new"):
        provider.create(dict(INPUTS))
    assert len(calls(rsps, "GET")) == 2
