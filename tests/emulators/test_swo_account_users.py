"""The SoftwareOne emulator's account users: membership lives on the user, as on the platform."""

from __future__ import annotations

ACC = "ACC-1234-5678"
USERS = "/public/v1/accounts/accounts/ACC-1234-5678/users"


def _group(mpt, name: str) -> str:
    r = mpt.post("/public/v1/accounts/user-groups", json={"name": name, "account": {"id": ACC},
                                                          "modules": [{"id": "MOD-1756"}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_add_list_by_group_remove_and_the_last_group_rule(mpt):
    ops = _group(mpt, "Ops")
    jane, joe = mpt.control.seed_users(ACC, [{"email": "jane@contoso.com"}, {"email": "joe@contoso.com"}])
    added = mpt.post(f"{USERS}/{jane['id']}/groups", json={"id": ops})
    assert added.status_code == 200 and ops in [g["id"] for g in added.json()["groups"]]
    again = mpt.post(f"{USERS}/{jane['id']}/groups", json={"id": ops})  # an add that is already true changes nothing
    assert [g["id"] for g in again.json()["groups"]].count(ops) == 1

    listed = mpt.get(f'{USERS}?any(groups,eq(id,"{ops}"))&select=+groups&order=+id&limit=100')
    assert [u["id"] for u in listed.json()["data"]] == [jane["id"]]
    assert listed.json()["data"][0]["user"]["email"] == "jane@contoso.com"
    by_mail = mpt.get(f'{USERS}?eq(user.email,"joe@contoso.com")')
    assert [u["id"] for u in by_mail.json()["data"]] == [joe["id"]]
    group = mpt.get(f"/public/v1/accounts/user-groups/{ops}?select=+users").json()
    assert [u["id"] for u in group["users"]] == [jane["id"]]

    blocked = mpt.delete(f"/public/v1/accounts/user-groups/{ops}")
    assert blocked.status_code == 400 and "1 user(s)" in blocked.json()["detail"]

    assert mpt.delete(f"{USERS}/{jane['id']}/groups/{ops}").status_code == 204
    assert mpt.delete(f"{USERS}/{jane['id']}/groups/{ops}").status_code == 404  # no longer has it
    default = jane["groups"][0]["id"]
    last = mpt.delete(f"{USERS}/{jane['id']}/groups/{default}")
    assert last.status_code == 400 and "traceId" in last.json() and "at least one" in last.json()["detail"]
    assert mpt.delete(f"/public/v1/accounts/user-groups/{ops}").status_code == 204


def test_unknown_user_or_group_and_bad_bodies(mpt):
    (jane,) = mpt.control.seed_users(ACC, [{"id": "USR-1234-0001"}])
    assert mpt.post(f"{USERS}/USR-9999-9999/groups", json={"id": "UGR-0000-0000"}).status_code == 404
    assert mpt.post(f"{USERS}/{jane['id']}/groups", json={"id": "UGR-9999-9999"}).status_code == 404
    bad = mpt.post(f"{USERS}/{jane['id']}/groups", json={"id": "nope"})
    assert bad.status_code == 400 and "id" in bad.json()["errors"]
    other = mpt.get(f"/public/v1/accounts/accounts/ACC-9999-9999/users/{jane['id']}")
    assert other.status_code == 404  # a user of another account is not found here
    groups = mpt.get("/public/v1/accounts/user-groups?limit=100").json()["data"]
    assert all(g["id"].startswith("UGR-") for g in groups)  # users never appear as groups


def test_counts_per_route(mpt):
    mpt.control.seed_users(ACC, [{}])
    mpt.control.reset_counts()
    mpt.get(USERS)
    assert any("users" in route for route in mpt.control.counts())
