"""The SoftwareOne emulator: auth, every route, validation, RQL, paging, business rules, faults."""

from __future__ import annotations

import time

import pytest
import requests

from tests.emulators.conftest import start_swo

G = "/public/v1/accounts/user-groups"
BODY = {"name": "Ops", "account": {"id": "ACC-1234-5678"}, "modules": [{"id": "MOD-1756"}]}


def test_bearer_required(swo):
    r = requests.get(swo.url + G)
    assert r.status_code == 401 and r.json()["title"] == "Authentication Failed" and r.json()["traceId"]


def test_crud_revision_and_null_omission(mpt):
    r = mpt.post(G, json={**BODY, "description": None, "buyers": [{"id": "BUY-1234-5678"}]})
    assert r.status_code == 201
    g = r.json()
    assert g["id"].startswith("UGR-") and g["revision"] == 1 and g["isDefault"] is False
    assert "description" not in g and "audit" not in g and g["$meta"]["omitted"] == ["audit", "users"]
    assert mpt.get(f"{G}/{g['id']}").json() == g
    full = mpt.get(f"{G}/{g['id']}?select=%2Baudit,%2Busers").json()
    assert full["audit"]["created"]["at"] and "$meta" not in full and "users" not in full  # empty: omitted as null
    u = mpt.put(f"{G}/{g['id']}?select=%2Baudit", json={"name": "Ops 2", "modules": [{"id": "MOD-1001"}],
                                                       "buyers": None}).json()
    assert u["revision"] == 2 and u["name"] == "Ops 2" and "buyers" not in u and u["audit"]["updated"]
    assert u["$meta"]["omitted"] == ["users"]
    assert mpt.put(f"{G}/{g['id']}", json={"account": {"id": "ACC-0000-0000"}}).status_code == 400
    assert mpt.delete(f"{G}/{g['id']}").status_code == 204
    assert mpt.get(f"{G}/{g['id']}").status_code == 404
    assert mpt.delete(f"{G}/{g['id']}").status_code == 404


@pytest.mark.parametrize("body,field", [
    ({**BODY, "account": {"id": "ACC-1"}}, "account.id"),
    ({**BODY, "modules": [{"id": "MOD-1"}]}, "modules.0.id"),
    ({**BODY, "buyers": [{"id": "BUY-1"}]}, "buyers.0.id"),
    ({**BODY, "extra": True}, "extra"),
    ({**BODY, "name": ""}, "name"),
    ({**BODY, "modules": []}, "modules"),
    ({**BODY, "modules": [{"id": "MOD-1756"}, {"id": "MOD-1756"}]}, "modules"),
])
def test_validation_problem_details(mpt, body, field):
    r = mpt.post(G, json=body)
    assert r.status_code == 400
    p = r.json()
    assert p["status"] == 400 and p["traceId"] and field in p["errors"], p


def test_default_group_and_users_block_delete(mpt):
    mpt.post(G, json=BODY)
    default = [g for g in mpt.control.groups() if g["isDefault"]][0]
    r = mpt.delete(f"{G}/{default['id']}")
    assert r.status_code == 400 and "default" in r.json()["detail"]
    gid = mpt.post(G, json={**BODY, "name": "Busy"}).json()["id"]
    mpt.control.change_group(gid, users=["USR-1", "USR-2"])
    r = mpt.delete(f"{G}/{gid}")
    assert r.status_code == 400 and "2 user(s)" in r.json()["detail"]
    assert len(mpt.get(f"{G}/{gid}?select=%2Busers").json()["users"]) == 2


def test_rql_eq_and_ilike_and_paging(mpt):
    for i in range(25):
        mpt.post(G, json={**BODY, "name": f"Team {i:02d}"})
    mpt.post(G, json={**BODY, "name": 'Quote "x", (y)', "account": {"id": "ACC-9999-9999"}})
    q = mpt.get(G + "?and(eq(account.id,\"ACC-9999-9999\"),eq(name,'Quote \"x\", (y)'))").json()
    assert [g["name"] for g in q["data"]] == ['Quote "x", (y)'] and q["$meta"]["pagination"]["total"] == 1
    ilike = mpt.get(G + '?ilike(name,"*TEAM 1*")&limit=100').json()
    assert len(ilike["data"]) == 10
    seen, offset = [], 0
    while True:
        page = mpt.get(G + f'?eq(account.id,"ACC-1234-5678")&order=name&limit=10&offset={offset}').json()
        seen += page["data"]
        offset += 10
        if offset >= page["$meta"]["pagination"]["total"]:
            break
    assert len({g["id"] for g in seen}) == 26  # 25 + the default group, each once
    assert [g["name"] for g in seen] == sorted(g["name"] for g in seen)
    assert mpt.get(G + "?limit=500").json()["$meta"]["pagination"]["limit"] == 100
    mpt.control.settings(null_total=True)
    assert mpt.get(G).json()["$meta"]["pagination"]["total"] is None
    assert mpt.get(G + "?eq(name").status_code == 400


def test_list_without_order_promises_no_order(mpt):
    for i in range(30):
        mpt.post(G, json={**BODY, "name": f"T{i:02d}"})
    orders = {tuple(g["id"] for g in mpt.get(G + "?limit=100").json()["data"]) for _ in range(5)}
    assert len(orders) > 1  # shuffled: a client that pages without order would lose groups
    ordered = {tuple(g["id"] for g in mpt.get(G + "?order=-id&limit=100").json()["data"]) for _ in range(3)}
    assert len(ordered) == 1 and list(next(iter(ordered))) == sorted(next(iter(ordered)), reverse=True)
    mpt.control.settings(stable_default_order=True)
    assert len({tuple(g["id"] for g in mpt.get(G + "?limit=100").json()["data"]) for _ in range(3)}) == 1


def test_select_and_meta_omitted_on_lists(mpt):
    mpt.post(G, json=BODY)
    plain = mpt.get(G).json()
    assert plain["$meta"]["omitted"] == ["audit", "users"] and all("audit" not in g for g in plain["data"])
    chosen = mpt.get(G + "?select=%2Baudit,-description,-logo").json()
    assert chosen["$meta"]["omitted"] == ["users"] and all(g["audit"] for g in chosen["data"])
    mpt.control.settings(omitted_fields=[])
    assert "omitted" not in mpt.get(G).json()["$meta"]


def test_update_takes_exactly_the_published_schema(mpt):
    gid = mpt.post(G, json=BODY).json()["id"]
    r = mpt.put(f"{G}/{gid}", json={"name": "Ops", "modules": [{"id": "MOD-1756"}], "extensions": None})
    assert r.status_code == 400 and "extensions" in r.json()["errors"]
    mpt.control.settings(update_extensions=True)
    r = mpt.put(f"{G}/{gid}", json={"name": "Ops", "modules": [{"id": "MOD-1756"}], "extensions": [{"id": "EXT-1"}]})
    assert r.status_code == 200 and r.json()["extensions"][0]["id"] == "EXT-1"


def test_state_survives_restart(tmp_path):
    db = tmp_path / "persist.sqlite3"
    first = start_swo(db)
    h = {"Authorization": "Bearer emulator-test-token"}
    gid = requests.post(first.url + G, json=BODY, headers=h).json()["id"]
    first.stop()
    second = start_swo(db)
    try:
        assert requests.get(f"{second.url}{G}/{gid}", headers=h).json()["name"] == "Ops"
    finally:
        second.stop()


# -- faults -------------------------------------------------------------------------------
def test_status_fault_with_retry_after_then_clears(mpt):
    mpt.control.add_fault(route=f"GET {G}", kind="status", status=429, retry_after=1, times=2)
    assert [mpt.get(G).status_code for _ in range(3)] == [429, 429, 200]
    mpt.control.add_fault(route="*", kind="status", status=503)
    r = mpt.get(G)
    assert r.status_code == 503 and r.json()["status"] == 503
    mpt.control.clear_faults()
    assert mpt.get(G).status_code == 200


def test_drop_before_commits_nothing(mpt):
    mpt.control.add_fault(route=f"POST {G}", kind="drop_before", times=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        mpt.post(G, json=BODY)
    assert [g for g in mpt.control.groups() if not g["isDefault"]] == []


def test_drop_after_commits_but_loses_the_answer(mpt):
    mpt.control.add_fault(route=f"POST {G}", kind="drop_after", times=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        mpt.post(G, json=BODY)
    assert [g["name"] for g in mpt.control.groups() if not g["isDefault"]] == ["Ops"]


def test_slow_and_latency(mpt):
    mpt.control.add_fault(route=f"GET {G}", kind="slow", delay=1.0, times=1)
    with pytest.raises(requests.exceptions.ReadTimeout):
        mpt.s.get(mpt.base + G, timeout=0.3)
    mpt.control.settings(latency_ms=100)
    t = time.monotonic()
    mpt.get(G)
    assert time.monotonic() - t >= 0.1


def test_hold_commits_only_once_released(mpt):
    mpt.control.add_fault(route=f"POST {G}", kind="hold", delay=30)
    with pytest.raises(requests.exceptions.ReadTimeout):
        mpt.s.post(mpt.base + G, json=BODY, timeout=0.3)
    mpt.control.clear_faults()  # a cleared rule does not let go of what it holds
    time.sleep(0.3)
    assert mpt.control.held() == 1 and [g for g in mpt.control.groups() if not g["isDefault"]] == []
    assert mpt.control.release() == 1
    deadline = time.monotonic() + 5
    while len(mpt.control.groups()) == 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mpt.control.held() == 0 and [g["name"] for g in mpt.control.groups() if not g["isDefault"]] == ["Ops"]


def test_probability_fault_is_seeded(mpt):
    mpt.control.add_fault(route=f"GET {G}", kind="status", status=429, probability=0.5, seed=7)
    first = [mpt.get(G).status_code for _ in range(20)]
    assert 0 < first.count(429) < 20
