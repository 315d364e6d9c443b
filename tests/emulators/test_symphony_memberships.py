"""The Symphony emulator's users lookup, memberships and assignments, with the documented shapes."""

from __future__ import annotations

GROUPS = "/pod/v2/admin/usergroups"


def _group(pod, name="Scope") -> str:
    r = pod.post(GROUPS, json={"name": name, "type": "ROLE_SCOPE"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_users_lookup_by_username_at_most_100(pod):
    alice, bob = pod.control.seed_pod_users(["alice.smith", "bob.jones"])
    r = pod.get("/pod/v3/users", params={"username": "alice.smith,nobody,BOB.JONES", "local": "true"})
    body = r.json()
    assert r.status_code == 200 and [u["id"] for u in body["users"]] == [alice["id"], bob["id"]]
    assert isinstance(alice["id"], int) and body["users"][0]["username"] == "alice.smith"
    assert body["errors"] == [{"error": "user.not.found", "id": "nobody"}]
    assert pod.get("/pod/v3/users", params={"username": ",".join(f"u{i}" for i in range(101))}).status_code == 400
    assert pod.get("/pod/v3/users", params={"username": "a", "email": "b@c"}).status_code == 400


def test_upsert_list_page_and_replace_memberships(pod):
    gid = _group(pod)
    users = pod.control.seed_pod_users([f"user{i:03d}" for i in range(7)])
    first = pod.put(f"{GROUPS}/{gid}/memberships/{users[0]['id']}", json={"active": True})
    assert first.status_code == 200 and first.json()["active"] is True
    assert first.json()["user"]["userName"] == "user000"  # MembershipData spells it with a capital N
    again = pod.put(f"{GROUPS}/{gid}/memberships/{users[0]['id']}", json={"active": True})
    assert again.json()["id"] == first.json()["id"]  # an upsert: the same membership
    for u in users[1:5]:
        pod.put(f"{GROUPS}/{gid}/memberships/{u['id']}", json={"active": True})
    seen, params = [], {"limit": 2, "active": "true", "expand": "user"}
    while True:
        page = pod.get(f"{GROUPS}/{gid}/memberships", params=params).json()
        seen += [(m["userId"], m["user"]["username"]) for m in page["data"]]
        if "next" not in page["pagination"]:
            break
        params["after"] = page["pagination"]["cursors"]["after"]
    assert [s[0] for s in seen] == [u["id"] for u in users[:5]]
    assert pod.get(f"{GROUPS}/{gid}").json()["memberCount"] == 5

    replaced = pod.put(f"{GROUPS}/{gid}/memberships", json=[{"username": "user005"}, {"username": "user000"}])
    assert replaced.status_code == 200 and replaced.json()["format"] == "TEXT"
    active = pod.get(f"{GROUPS}/{gid}/memberships", params={"active": "true", "limit": 100}).json()["data"]
    assert sorted(m["userId"] for m in active) == [users[0]["id"], users[5]["id"]]
    inactive = pod.get(f"{GROUPS}/{gid}/memberships", params={"active": "false"}).json()["data"]
    assert all("lastRemovedDate" in m for m in inactive) and len(inactive) == 4
    bad = pod.put(f"{GROUPS}/{gid}/memberships", json=[{"username": "ghost"}])
    assert bad.status_code == 400 and "ghost" in bad.json()["message"]


def test_assignments_201_then_200_and_404s(pod):
    gid = _group(pod)
    (carol,) = pod.control.seed_pod_users(["carol.officer"])
    assert pod.put(f"{GROUPS}/{gid}/assignments/{carol['id']}", json={"active": True}).status_code == 201
    assert pod.put(f"{GROUPS}/{gid}/assignments/{carol['id']}", json={"active": False}).status_code == 200
    listed = pod.get(f"{GROUPS}/{gid}/assignments", params={"userId": carol["id"]}).json()["data"]
    assert [a["active"] for a in listed] == [False]
    assert pod.put(f"{GROUPS}/{gid}/assignments/999", json={"active": True}).status_code == 404
    assert pod.put(f"{GROUPS}/nope/memberships/{carol['id']}", json={"active": True}).status_code == 404
    assert pod.get(f"{GROUPS}/nope/memberships").status_code == 404
    assert pod.put(f"{GROUPS}/{gid}/memberships/{carol['id']}", json={"active": "yes"}).status_code == 400
    groups = pod.get(GROUPS, params={"type": "ROLE_SCOPE"}).json()["data"]
    assert [g["id"] for g in groups] == [gid]  # users never show as groups
