"""The Symphony emulator: login, session checks, every route, validation, pagination, persistence."""

from __future__ import annotations

import time

import jwt
import requests
from cryptography.hazmat.primitives import serialization

from tests.emulators.conftest import start_symphony

G = "/pod/v2/admin/usergroups"


def signed(bot, **claims):
    key = serialization.load_pem_private_key(bot.private_pem.encode(), None)
    now = int(time.time())
    return jwt.encode({"sub": bot.username, "exp": now + 240, **claims}, key, algorithm="RS512")


def test_login_with_rs512_jwt(symphony, bot):
    url = symphony.url + "/login/pubkey/authenticate"
    r = requests.post(url, json={"token": signed(bot)})
    assert r.status_code == 200 and r.json()["name"] == "sessionToken"
    token = r.json()["token"]
    assert requests.get(symphony.url + G, params={"type": "ROLE_SCOPE"}, headers={"sessionToken": token}).status_code == 200
    too_long = signed(bot, exp=int(time.time()) + 600)
    assert requests.post(url, json={"token": too_long}).status_code == 401
    expired = signed(bot, exp=int(time.time()) - 60)
    assert requests.post(url, json={"token": expired}).status_code == 401
    stranger = jwt.encode({"sub": "nobody", "exp": int(time.time()) + 60}, "k" * 32, algorithm="HS256")
    assert requests.post(url, json={"token": stranger}).json() == {"code": 401, "message": "Invalid user or signature"}


def test_session_header_required_and_expiry(symphony, bot, pod):
    assert requests.get(symphony.url + G + "/x").json() == {"code": 401, "message": "Invalid session"}
    token = requests.post(symphony.url + "/login/pubkey/authenticate", json={"token": signed(bot)}).json()["token"]
    assert pod.control.expire_sessions() == 1
    assert requests.get(symphony.url + G, params={"type": "ROLE_SCOPE"}, headers={"sessionToken": token}).status_code == 401


def test_create_get_update_and_type_is_fixed(pod):
    r = pod.post(G, json={"name": "EMEA", "type": "ROLE_SCOPE", "area": "EMEA"})
    assert r.status_code == 201
    g = r.json()
    assert g["active"] is True and g["memberCount"] == 0 and isinstance(g["createdDate"], int)
    assert pod.get(f"{G}/{g['id']}").json() == g
    assert pod.get(f"{G}/nope").status_code == 404
    u = pod.put(f"{G}/{g['id']}", json={"description": "d", "active": False}).json()
    assert u["description"] == "d" and u["active"] is False and u["area"] == "EMEA"
    assert u["modifiedDate"] > g["modifiedDate"]
    bad = pod.put(f"{G}/{g['id']}", json={"type": "OTHER"})
    assert bad.status_code == 400 and "type" in bad.json()["message"]
    assert pod.put(f"{G}/nope", json={"active": True}).status_code == 404


def test_request_validation_uses_the_spec(pod):
    assert pod.post(G, json={"name": "x"}).json() == {"code": 400, "message": "type: is required"}
    assert "is not a known property" in pod.post(G, json={"name": "x", "type": "ROLE_SCOPE", "x": 1}).json()["message"]
    assert pod.post(G, json={"name": 1, "type": "ROLE_SCOPE"}).status_code == 400
    assert "type: is required" in pod.get(G).json()["message"]
    assert pod.post(G, data=b"{not json", headers={"Content-Type": "application/json"}).status_code == 400


def test_exact_filters_and_cursor_pagination(pod):
    for i in range(7):
        pod.post(G, json={"name": f"G{i}", "type": "ROLE_SCOPE", "area": "A" if i % 2 else "B"})
    pod.post(G, json={"name": "G1 ", "type": "ROLE_SCOPE"})
    assert [g["name"] for g in pod.get(G, params={"type": "ROLE_SCOPE", "name": "G1"}).json()["data"]] == ["G1"]
    assert len(pod.get(G, params={"type": "ROLE_SCOPE", "area": "A"}).json()["data"]) == 3
    names, params = [], {"type": "ROLE_SCOPE", "limit": 3}
    while True:
        page = pod.get(G, params=params).json()
        names += [g["name"] for g in page["data"]]
        if "next" not in page["pagination"]:
            break
        params["after"] = page["pagination"]["cursors"]["after"]
    assert names == [f"G{i}" for i in range(7)] + ["G1 "]


def test_unique_names_switch(pod):
    assert pod.post(G, json={"name": "Dup", "type": "ROLE_SCOPE"}).status_code == 201
    assert pod.post(G, json={"name": "Dup", "type": "ROLE_SCOPE"}).status_code == 201  # default: allowed
    pod.control.settings(unique_names=True)
    assert pod.post(G, json={"name": "Dup", "type": "ROLE_SCOPE"}).status_code == 400


def test_state_survives_restart(tmp_path, bot):
    db = tmp_path / "persist.sqlite3"
    first = start_symphony(db, bot)
    gid = requests.post(first.url + G, json={"name": "Kept", "type": "ROLE_SCOPE"},
                        headers={"sessionToken": "static-session"}).json()["id"]
    first.stop()
    second = start_symphony(db, bot)
    try:
        r = requests.get(f"{second.url}{G}/{gid}", headers={"sessionToken": "static-session"})
        assert r.json()["name"] == "Kept"
    finally:
        second.stop()


def test_requests_are_counted_per_route(pod):
    pod.get(G + "/a")
    pod.get(G + "/b")
    pod.post(G, json={"name": "x", "type": "ROLE_SCOPE"})
    assert pod.control.counts() == {f"GET {G}/{{groupId}}": 2, f"POST {G}": 1}


def test_login_answers_as_the_spec_says(symphony, bot):
    url = symphony.url + "/login/pubkey/authenticate"
    assert requests.post(url, json={}).status_code == 401  # the spec's 401, not a 400
    body = requests.post(url, json={"token": signed(bot)}).json()
    assert set(body) == {"name", "token", "authorizationToken"} and body["authorizationToken"]


def test_group_type_follows_the_documented_enum(pod):
    assert pod.post(G, json={"name": "x", "type": "SOMETHING"}).status_code == 400
    assert pod.get(G, params={"type": "SOMETHING"}).status_code == 400
    assert pod.get(G, params={"type": "CEP_VISIBILITY_GROUP"}).status_code == 200
    pod.control.settings(group_types=["ROLE_SCOPE", "SOMETHING"])
    assert pod.post(G, json={"name": "x", "type": "SOMETHING"}).status_code == 201


def test_limit_and_cursor_errors_are_400(pod):
    for i in range(3):
        pod.post(G, json={"name": f"g{i}", "type": "ROLE_SCOPE"})
    assert pod.get(G, params={"type": "ROLE_SCOPE", "limit": 0}).status_code == 400
    assert pod.get(G, params={"type": "ROLE_SCOPE", "limit": -1}).status_code == 400
    assert pod.get(G, params={"type": "ROLE_SCOPE", "after": "garbage!"}).status_code == 400
    first = pod.get(G, params={"type": "ROLE_SCOPE", "limit": 2}).json()
    after = first["pagination"]["cursors"]["after"]
    rest = pod.get(G, params={"type": "ROLE_SCOPE", "limit": 2, "after": after}).json()
    assert len(first["data"]) == 2 and len(rest["data"]) == 1 and "next" not in rest["pagination"]
