"""The Symphony emulator's user directory: Search Users (inexact, active users) and Find Users (exact)."""

from __future__ import annotations

SEARCH, FIND = "/pod/v1/user/search", "/pod/v1/admin/user/find"

PEOPLE = [
    {"username": "carol.officer", "company": "Acme Bank", "location": "London", "title": "Compliance Officer",
     "_function": ["Compliance"], "_roles": ["INDIVIDUAL", "COMPLIANCE_OFFICER"]},
    {"username": "dave.london", "company": "Acme Bank", "location": "London Bridge", "_function": ["Compliance"]},
    {"username": "erin.paris", "company": "Acme Bank", "location": "Paris", "_function": ["Compliance"]},
    {"username": "frank.gone", "company": "Acme Bank", "location": "London", "_function": ["Compliance"],
     "_status": "DISABLED"},
]


def test_search_is_inexact_pages_and_finds_active_users_only(pod):
    made = {u["username"]: u for u in pod.control.seed_pod_users(PEOPLE)}
    assert all(not k.startswith("_") for u in made.values() for k in u)  # private attributes never shown
    body = {"filters": {"company": "Acme Bank", "location": "london", "function": "Compliance"}}
    first = pod.post(SEARCH, params={"local": "true", "limit": 1}, json=body).json()
    assert first["count"] == 2 and first["skip"] == 0 and len(first["users"]) == 1
    second = pod.post(SEARCH, params={"local": "true", "limit": 1, "skip": 1}, json=body).json()
    found = {u["username"]: u for u in first["users"] + second["users"]}
    assert set(found) == {"carol.officer", "dave.london"}  # "London Bridge" too: the search is inexact
    assert found["dave.london"]["location"] == "London Bridge"  # the answer carries the field to compare
    assert pod.post(SEARCH, json={"filters": {"function": "Trading"}}).json()["users"] == []


def test_find_users_is_exact_and_carries_the_status(pod):
    made = {u["username"]: u["id"] for u in pod.control.seed_pod_users(PEOPLE)}
    found = pod.post(FIND, json={"role": "COMPLIANCE_OFFICER", "status": "ENABLED"}).json()
    assert [(d["userAttributes"]["userName"], d["userSystemInfo"]["status"]) for d in found] == \
        [("carol.officer", "ENABLED")]
    disabled = pod.post(FIND, json={"status": "DISABLED"}).json()
    assert [d["userSystemInfo"]["id"] for d in disabled] == [made["frank.gone"]]
    assert pod.post(FIND, params={"limit": 1001}, json={}).status_code == 400


def test_a_directory_change_shows_in_the_next_search(pod):
    made = {u["username"]: u["id"] for u in pod.control.seed_pod_users(PEOPLE)}
    pod.control.change_pod_user(made["erin.paris"], location="London")
    pod.control.change_pod_user(made["carol.officer"], _status="DISABLED")
    users = pod.post(SEARCH, json={"filters": {"location": "London"}}).json()["users"]
    assert {u["username"] for u in users} == {"dave.london", "erin.paris"}
