"""SymphonyUserGroupProvider against a mocked Symphony pod (responses)."""

from __future__ import annotations

import re
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pulumi.output import Unknown

from providers.errors import ProviderError
from providers.symphony.provider import SymphonyUserGroupProvider
from tests.unit.helpers import FAST, POD_URL, SESSION, body, calls, configured

GROUPS = f"{POD_URL}/pod/v2/admin/usergroups"
LIST = re.compile(re.escape(GROUPS) + r"\?.*")
LOGIN = f"{POD_URL}/login/pubkey/authenticate"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption()).decode()
PUBLIC = KEY.public_key()
INPUTS = {"name": "EMEA Compliance", "type": "ROLE_SCOPE", "area": "EMEA", "active": True, "adopt": False,
          "connection": "symphony"}


def grp(gid="g1", name="EMEA Compliance", active=True, **extra):
    return {"id": gid, "name": name, "type": "ROLE_SCOPE", "area": "EMEA", "active": active,
            "createdDate": 1700000000000, "modifiedDate": 1700000000000, "memberCount": 3, "assigneeCount": 1,
            **extra}


def listing(*groups, after=None):
    pagination = {"cursors": {"before": "b"}}
    if after:
        pagination["cursors"]["after"] = after
        pagination["next"] = f"/pod/v2/admin/usergroups?type=ROLE_SCOPE&after={after}"
    return {"data": list(groups), "pagination": pagination}


def settings(**extra):
    return {"symphony:podUrl": POD_URL, **{f"symphony:{k}": v for k, v in FAST.items()}, **extra}


@pytest.fixture
def rsa_provider():
    return configured(SymphonyUserGroupProvider, settings(**{"symphony:botUsername": "bot",
                                                            "symphony:botPrivateKey": PEM}))


@pytest.fixture
def token_provider():
    return configured(SymphonyUserGroupProvider, settings(**{"symphony:sessionToken": SESSION}))


def unlisted(rsps):
    """The pod's group listing, empty: every read asks for its group directly."""
    rsps.get(LIST, json={"data": []})


def login_ok(rsps, token="sess-1"):
    rsps.post(LOGIN, json={"name": "sessionToken", "token": token})


# -- auth ---------------------------------------------------------------------------------
def test_rsa_login_signs_rs512_jwt_once_and_sends_session(rsa_provider, rsps):
    login_ok(rsps)
    rsps.get(LIST, json=listing())
    rsps.post(GROUPS, json=grp(), status=201)
    rsa_provider.create(dict(INPUTS))
    (login,) = calls(rsps, "POST", "/login/")
    assertion = body(login)["token"]
    assert jwt.get_unverified_header(assertion)["alg"] == "RS512"
    claims = jwt.decode(assertion, PUBLIC, algorithms=["RS512"])
    assert claims["sub"] == "bot" and 0 < claims["exp"] - time.time() <= 300
    for c in calls(rsps, "GET") + calls(rsps, "POST", "/pod/"):
        assert c.request.headers["sessionToken"] == "sess-1"
    rsps.get(f"{GROUPS}/g1", json=grp())
    rsa_provider.read("g1", dict(INPUTS))
    assert len(calls(rsps, "POST", "/login/")) == 1  # the session is shared


def test_session_is_shared_across_threads(rsa_provider, rsps):
    unlisted(rsps)
    login_ok(rsps)
    for i in range(8):
        rsps.get(f"{GROUPS}/g{i}", json=grp(f"g{i}"))
    threads = [threading.Thread(target=rsa_provider.read, args=(f"g{i}", dict(INPUTS))) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(calls(rsps, "POST", "/login/")) == 1 and len(calls(rsps, "GET", "/usergroups/g")) == 8


def test_session_token_mode_needs_no_login(token_provider, rsps):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/g1", json=grp())
    token_provider.read("g1", dict(INPUTS))
    assert calls(rsps, "POST") == [] and calls(rsps, "GET", "/usergroups/g1")[0].request.headers["sessionToken"] == SESSION


def test_401_reauthenticates_once_and_repeats(rsa_provider, rsps):
    unlisted(rsps)
    login_ok(rsps, "sess-1")
    rsps.get(f"{GROUPS}/g1", status=401, json={"code": 401, "message": "Invalid session"})
    rsps.get(f"{GROUPS}/g1", json=grp())
    rsa_provider.read("g1", dict(INPUTS))
    assert len(calls(rsps, "POST", "/login/")) == 2
    assert len(calls(rsps, "GET", "/usergroups/g1")) == 2


def test_401_with_static_token_is_reported_with_hint(token_provider, rsps):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/g1", status=401, json={"code": 401, "message": "Invalid session"})
    with pytest.raises(ProviderError, match="Invalid session.*session token was rejected") as exc:
        token_provider.read("g1", dict(INPUTS))
    assert SESSION not in str(exc.value)


def test_login_rejected_says_what_to_check(rsa_provider, rsps):
    rsps.post(LOGIN, status=401, json={"code": 401, "message": "Invalid user or signature"})
    with pytest.raises(ProviderError, match="public key is registered"):
        rsa_provider.read("g1", dict(INPUTS))


@pytest.mark.parametrize("method,needed", [("GET", "VIEW_ROLE_SCOPES"), ("PUT", "MANAGE_ROLE_SCOPES")])
def test_403_names_the_missing_role(token_provider, rsps, method, needed):
    unlisted(rsps)
    rsps.add(method, f"{GROUPS}/g1", status=403, json={"code": 403, "message": "Caller lacks necessary entitlement"})
    call = (lambda: token_provider.read("g1", dict(INPUTS))) if method == "GET" else \
        (lambda: token_provider.update("g1", INPUTS, dict(INPUTS)))
    with pytest.raises(ProviderError, match=f"Scope Management role with {needed}"):
        call()


# -- check --------------------------------------------------------------------------------
def test_check_defaults_and_unknowns(token_provider):
    result = token_provider.check({}, {"name": "X"})
    assert result.failures == [] and result.inputs["type"] == "ROLE_SCOPE" and result.inputs["active"] is True
    assert token_provider.check({}, {"name": Unknown(), "area": Unknown()}).failures == []


@pytest.mark.parametrize("field,value,expect", [
    ("name", "", "name"), ("name", " \t", "whitespace"), ("name", 7, "valid string"),
    ("name", "n" * 300, "at most 255"), ("area", "a" * 300, "at most 255"),
    ("active", "true", "active"), ("type", "role scope", "type"),
])
def test_check_rejects_bad_input(token_provider, field, value, expect):
    failures = token_provider.check({}, {**INPUTS, field: value}).failures
    assert any(f.reason.partition(": ")[0] == field and expect in f.reason for f in failures), failures


def test_check_undocumented_type_warns_not_fails(token_provider, capsys):
    assert token_provider.check({}, {**INPUTS, "type": "CEP_VISIBILITY_GROUP"}).failures == []
    assert capsys.readouterr().err == ""  # in the API's groupType enum
    assert token_provider.check({}, {**INPUTS, "type": "FUTURE_TYPE"}).failures == []
    assert "not documented" in capsys.readouterr().err


@pytest.mark.parametrize("config,key", [
    ({"symphony:botUsername": "bot", "symphony:botPrivateKey": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"},
     "symphony:botPrivateKey"),
    ({"symphony:botPrivateKey": PEM}, "symphony:botUsername"),
    ({"symphony:botUsername": "bot", "symphony:botPrivateKeyPath": "/nonexistent/key.pem"}, "symphony:botPrivateKeyPath"),
    ({}, "no credentials"),
])
def test_check_names_the_bad_credential_setting(config, key):
    p = configured(SymphonyUserGroupProvider, settings(**config))
    failures = p.check({}, dict(INPUTS)).failures
    assert failures and key in failures[0].reason
    assert "nope" not in failures[0].reason


def test_check_requires_pod_url():
    p = configured(SymphonyUserGroupProvider, {"symphony:sessionToken": SESSION})
    assert "symphony:podUrl" in p.check({}, dict(INPUTS)).failures[0].reason


# -- diff ---------------------------------------------------------------------------------
def test_diff(token_provider):
    olds = {**INPUTS, "description": None, "member_count": 3.0}
    assert token_provider.diff("g1", olds, {**INPUTS, "description": ""}).changes is False
    assert token_provider.diff("g1", olds, {**INPUTS, "area": "APAC"}).replaces == []
    assert token_provider.diff("g1", olds, {**INPUTS, "type": "OTHER"}).replaces == ["type"]


# -- create -------------------------------------------------------------------------------
def test_create_outputs_are_ints(token_provider, rsps):
    rsps.get(LIST, json=listing())
    rsps.post(GROUPS, json=grp(), status=201)
    out = token_provider.create(dict(INPUTS)).outs
    assert out["member_count"] == 3 and isinstance(out["member_count"], int)
    assert isinstance(out["created_date"], int) and out["active"] is True
    assert body(calls(rsps, "POST")[0]) == {"name": "EMEA Compliance", "type": "ROLE_SCOPE", "area": "EMEA"}
    q = parse_qs(urlsplit(calls(rsps, "GET")[0].request.url).query)
    assert q["type"] == ["ROLE_SCOPE"] and "name" not in q  # one listing of the type serves every create


def test_create_reactivates_inactive_twin(token_provider, rsps):
    rsps.get(LIST, json=listing(grp("old", active=False, description="x")))
    rsps.put(f"{GROUPS}/old", json=grp("old"))
    result = token_provider.create(dict(INPUTS))
    assert result.id == "old" and calls(rsps, "POST") == []
    assert body(calls(rsps, "PUT")[0]) == {"name": "EMEA Compliance", "area": "EMEA", "description": "", "active": True}


def test_create_refuses_active_twin_unless_adopt(token_provider, rsps):
    rsps.get(LIST, json=listing(grp("live")))
    with pytest.raises(ProviderError, match=r"already exists \(live\).*adopt"):
        token_provider.create(dict(INPUTS))
    rsps.put(f"{GROUPS}/live", json=grp("live"))
    assert token_provider.create({**INPUTS, "adopt": True}).id == "live"
    assert calls(rsps, "POST") == []


def test_lookup_follows_cursor_pages(token_provider, rsps):
    rsps.get(LIST, json=listing(grp("a", name="Other"), after="c1"))
    rsps.get(LIST, json=listing(after="c2"))  # an empty page can still have a next cursor
    rsps.get(LIST, json=listing(grp("b", active=False)))
    rsps.put(f"{GROUPS}/b", json=grp("b"))
    assert token_provider.create(dict(INPUTS)).id == "b"
    afters = [parse_qs(urlsplit(c.request.url).query).get("after") for c in calls(rsps, "GET")]
    assert afters == [None, ["c1"], ["c2"]]


@pytest.mark.parametrize("found,expect", [(0, "no second create"), (1, "found"), (2, "n0, n1")])
def test_ambiguous_create(token_provider, rsps, found, expect):
    rsps.get(LIST, json=listing())
    rsps.post(GROUPS, status=500, json={"code": 500, "message": "Server error"})
    rsps.get(LIST, json=listing(*[grp(f"n{i}") for i in range(found)]))
    rsps.post(GROUPS, json=grp("fresh"), status=201)
    if found != 1:
        with pytest.raises(ProviderError, match=expect):
            token_provider.create(dict(INPUTS))
    else:
        assert token_provider.create(dict(INPUTS)).id == "n0"
    assert len(calls(rsps, "POST")) == 1  # never a second create after an unanswered one


def test_create_declared_inactive_is_deactivated(token_provider, rsps):
    rsps.get(LIST, json=listing())
    rsps.post(GROUPS, json=grp("g"), status=201)
    rsps.put(f"{GROUPS}/g", json=grp("g", active=False))
    assert token_provider.create({**INPUTS, "active": False}).outs["active"] is False


# -- read / update / delete -----------------------------------------------------------------
def test_read_and_404(token_provider, rsps):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/g1", json=grp(area="Drifted"))
    result = token_provider.read("g1", dict(INPUTS))
    assert result.outs["area"] == "Drifted" and result.inputs["area"] == "Drifted"
    rsps.replace(responses.GET, f"{GROUPS}/g1", status=404, json={"code": 404, "message": "not found"})
    assert token_provider.read("g1", dict(INPUTS)).id == ""


def test_429_then_success_and_5xx_exhausted(token_provider, rsps, no_sleep):
    unlisted(rsps)
    rsps.get(f"{GROUPS}/g1", status=429, headers={"Retry-After": "1"}, json={"code": 429, "message": "slow down"})
    rsps.get(f"{GROUPS}/g1", json=grp())
    assert token_provider.read("g1", dict(INPUTS)).id == "g1" and any(1.0 <= w <= 1.25 for w in no_sleep)
    rsps.put(f"{GROUPS}/g1", status=503, json={"code": 503, "message": "down"})
    with pytest.raises(ProviderError, match="503"):
        token_provider.update("g1", INPUTS, dict(INPUTS))
    assert len(calls(rsps, "PUT")) == 4


def test_update_sends_full_editable_set(token_provider, rsps):
    rsps.put(f"{GROUPS}/g1", json=grp(name="New"))
    token_provider.update("g1", INPUTS, {**INPUTS, "name": "New", "area": None})
    assert body(calls(rsps, "PUT")[0]) == {"name": "New", "area": "", "description": "", "active": True}


def test_delete_deactivates_and_tolerates_404(token_provider, rsps):
    rsps.put(f"{GROUPS}/g1", json=grp(active=False))
    token_provider.delete("g1", dict(INPUTS))
    assert body(calls(rsps, "PUT")[0]) == {"active": False}
    rsps.replace(responses.PUT, f"{GROUPS}/g1", status=404, json={"code": 404, "message": "not found"})
    token_provider.delete("g1", dict(INPUTS))


def test_login_is_retried_on_5xx(rsa_provider, rsps):
    unlisted(rsps)
    rsps.post(LOGIN, status=503, json={"code": 503, "message": "down"})
    login_ok(rsps)
    rsps.get(f"{GROUPS}/g1", json=grp())
    assert rsa_provider.read("g1", dict(INPUTS)).id == "g1"
    assert len(calls(rsps, "POST", "/login/")) == 2


def test_check_names_every_missing_setting_at_once():
    from tests.unit.helpers import configured
    p = configured(SymphonyUserGroupProvider, {"symphony:connectTimeout": "soon"})
    failures = p.check({}, dict(INPUTS)).failures
    reasons = " | ".join(f.reason for f in failures)
    assert "symphony:podUrl: is not set" in reasons and "no credentials" in reasons
    assert "symphony:connectTimeout: must be a number" in reasons and len(failures) == 3


def test_the_newest_inactive_twin_is_the_one_reactivated(token_provider, rsps):
    older = grp("older", active=False, modifiedDate=1_600_000_000_000)
    newer = grp("newer", active=False, modifiedDate=1_700_000_000_000)
    rsps.get(LIST, json=listing(older, newer, grp("oldest", active=False, modifiedDate=1_500_000_000_000)))
    rsps.put(f"{GROUPS}/newer", json=grp("newer"))
    assert token_provider.create(dict(INPUTS)).id == "newer"
    assert [c.request.url.rsplit("/", 1)[1] for c in calls(rsps, "PUT")] == ["newer"]


def test_concurrent_401s_renew_the_session_once(rsa_provider, rsps):
    unlisted(rsps)
    tokens = iter(["sess-1", "sess-2", "sess-3"])
    rsps.add_callback(responses.POST, LOGIN, callback=lambda _r: (
        200, {}, json.dumps({"name": "sessionToken", "token": next(tokens)})))
    barrier = threading.Barrier(6)

    def group(request):
        if request.headers["sessionToken"] == "sess-1":
            return 401, {}, json.dumps({"code": 401, "message": "Invalid session"})
        return 200, {}, json.dumps(grp())
    rsps.add_callback(responses.GET, f"{GROUPS}/g1", callback=group)
    errors: list[BaseException] = []

    def reader():
        try:
            barrier.wait()
            rsa_provider.read("g1", dict(INPUTS))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=reader) for _ in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert errors == []
    assert len(calls(rsps, "POST", "/login/")) == 2  # the first login, and one renewal for all six 401s
