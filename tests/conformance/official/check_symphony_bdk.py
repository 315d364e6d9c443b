"""Symphony's official BDK (``symphony-bdk-python``) against the pod emulator.

The BDK signs the login JWT and parses the login answer with its own ``Token``
model; every user-group answer is read with the BDK's generated ``pod_model``
classes, and must hold no field those models do not know.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import BaseModel
from symphony.bdk.core.auth.authenticator_factory import AuthenticatorFactory
from symphony.bdk.core.client.api_client_factory import ApiClientFactory
from symphony.bdk.core.config.model.bdk_config import BdkConfig
from symphony.bdk.gen.login_model.token import Token
from symphony.bdk.gen.pod_api.users_api import UsersApi
from symphony.bdk.gen.pod_model.error import Error
from symphony.bdk.gen.pod_model.user_group_create import UserGroupCreate
from symphony.bdk.gen.pod_model.user_group_response import UserGroupResponse
from symphony.bdk.gen.pod_model.user_group_response_list import UserGroupResponseList
from symphony.bdk.gen.pod_model.success_response import SuccessResponse
from symphony.bdk.gen.pod_model.user_group_assignee_response import UserGroupAssigneeResponse
from symphony.bdk.gen.pod_model.user_group_assignment_response import UserGroupAssignmentResponse
from symphony.bdk.gen.pod_model.user_group_membership_data import UserGroupMembershipData
from symphony.bdk.gen.pod_model.user_group_membership_request import UserGroupMembershipRequest
from symphony.bdk.gen.pod_model.user_group_membership_response import UserGroupMembershipResponse
from symphony.bdk.gen.pod_model.user_group_update import UserGroupUpdate
from symphony.bdk.gen.pod_model.user_name import UserName
from symphony.bdk.gen.pod_model.v2_user_list import V2UserList

GROUPS = "/pod/v2/admin/usergroups"


def bdk_config(url: str, username: str, key_path: str) -> BdkConfig:
    parts = urlsplit(url)
    return BdkConfig(scheme=parts.scheme, host=parts.hostname, port=parts.port,
                     bot={"username": username, "privateKey": {"path": key_path}})


async def bdk_login(config: BdkConfig) -> Token:
    factory = ApiClientFactory(config)
    try:
        token, _expires = await AuthenticatorFactory(config, factory).get_bot_authenticator() \
            .retrieve_session_token_object()
        return token
    finally:
        await factory.close_clients()


def known_keys(model: type[BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


def parsed(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """The answer as the BDK model, after checking it holds nothing the model lacks."""
    assert set(data) <= known_keys(model), f"{model.__name__} has no {set(data) - known_keys(model)}"
    return model.from_dict(data)


@pytest.fixture
def token(symphony_url, symphony_admin) -> Token:
    return asyncio.run(bdk_login(bdk_config(symphony_url, os.environ["CONFORMANCE_SYMPHONY_BOT"],
                                            os.environ["CONFORMANCE_SYMPHONY_KEY"])))


@pytest.fixture
def pod(symphony_url, token):
    with httpx.Client(base_url=symphony_url + "/pod", headers={"sessionToken": token.token}, timeout=10) as c:
        yield c


def test_bdk_rsa_login_parses_into_its_token_model(token):
    assert isinstance(token, Token) and token.name == "sessionToken" and token.token
    assert token.authorization_token  # the pod returns the (beta) common JWT too


def test_bdk_login_with_an_unknown_key_is_refused(symphony_url, symphony_admin, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "stranger.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    with pytest.raises(Exception) as err:
        asyncio.run(bdk_login(bdk_config(symphony_url, os.environ["CONFORMANCE_SYMPHONY_BOT"], str(path))))
    assert "401" in str(err.value) or "Unauthorized" in type(err.value).__name__


def test_create_get_update_answers_parse(pod):
    body = UserGroupCreate(name="EMEA scope", type="ROLE_SCOPE", area="EMEA", description="d").to_dict()
    r = pod.post(GROUPS.removeprefix("/pod"), json=body)
    assert r.status_code == 201
    created = parsed(UserGroupResponse, r.json())
    assert created.id and created.active is True and created.type == "ROLE_SCOPE" and created.member_count == 0
    got = parsed(UserGroupResponse, pod.get(f"/v2/admin/usergroups/{created.id}").json())
    assert got == created
    update = UserGroupUpdate(name="EMEA", active=False).to_dict()
    r = pod.put(f"/v2/admin/usergroups/{created.id}", json=update)
    updated = parsed(UserGroupResponse, r.json())
    assert updated.name == "EMEA" and updated.active is False and updated.area == "EMEA"
    assert updated.modified_date >= created.modified_date


def test_errors_parse_as_the_bdk_error_model(pod, symphony_url):
    missing = pod.get("/v2/admin/usergroups/does-not-exist")
    assert missing.status_code == 404 and parsed(Error, missing.json()).code == 404
    bad_type = pod.post("/v2/admin/usergroups", json=UserGroupCreate(name="x", type="NOT_A_TYPE").to_dict())
    assert bad_type.status_code == 400 and "type" in parsed(Error, bad_type.json()).message
    bad_limit = pod.get("/v2/admin/usergroups", params={"type": "ROLE_SCOPE", "limit": 0})
    assert bad_limit.status_code == 400 and parsed(Error, bad_limit.json()).code == 400
    bad_cursor = pod.get("/v2/admin/usergroups", params={"type": "ROLE_SCOPE", "after": "not-a-cursor"})
    assert bad_cursor.status_code == 400
    no_session = httpx.get(symphony_url + GROUPS, params={"type": "ROLE_SCOPE"})
    assert no_session.status_code == 401 and parsed(Error, no_session.json()).message == "Invalid session"


def test_cursor_paging_to_the_end_parses_every_page(pod):
    names = {f"group {i:02d}" for i in range(23)}
    for name in names:
        pod.post("/v2/admin/usergroups", json=UserGroupCreate(name=name, type="ROLE_SCOPE").to_dict())
    seen: list[str] = []
    url: str | None = "/v2/admin/usergroups?type=ROLE_SCOPE&limit=10"
    pages = 0
    while url:
        page = parsed(UserGroupResponseList, pod.get(url.removeprefix("/pod")).json())
        pages += 1
        seen += [g.name for g in page.data]
        url = page.pagination.next if page.pagination else None
    assert pages == 3 and sorted(seen) == sorted(names)


def test_users_lookup_memberships_and_assignments_parse(pod, symphony_admin):
    seeded = symphony_admin.post("/users", json={"users": [{"username": f"user{i:02d}"} for i in range(12)]})
    users = seeded.raise_for_status().json()
    lookup = parsed(V2UserList, pod.get("/v3/users", params={"username": "user00,user01,ghost", "local": "true"}).json())
    assert [u.username for u in lookup.users] == ["user00", "user01"] and lookup.errors[0].id == "ghost"

    gid = pod.post("/v2/admin/usergroups", json=UserGroupCreate(name="scope", type="ROLE_SCOPE").to_dict()).json()["id"]
    for user in users[:11]:
        r = pod.put(f"/v2/admin/usergroups/{gid}/memberships/{user['id']}",
                    json=UserGroupMembershipRequest(active=True).to_dict())
        assert r.status_code == 200
        data = r.json()
        assert set(data["user"]) <= {"id", "userName", "firstName", "lastName", "emailAddress"}  # MembershipData
        membership = UserGroupMembershipData.from_dict(data)
        assert membership.user_id == user["id"] and membership.active is True
    seen, url = [], f"/v2/admin/usergroups/{gid}/memberships?limit=5&active=true&expand=user"
    while url:
        page = parsed(UserGroupMembershipResponse, pod.get(url.removeprefix("/pod")).json())
        seen += [m.user.username for m in page.data]
        url = page.pagination.next if page.pagination else None
    assert sorted(seen) == [f"user{i:02d}" for i in range(11)]

    replaced = pod.put(f"/v2/admin/usergroups/{gid}/memberships", json=[UserName(username="user11").to_dict()])
    assert parsed(SuccessResponse, replaced.json()).format == "TEXT"
    active = parsed(UserGroupMembershipResponse, pod.get(f"/v2/admin/usergroups/{gid}/memberships",
                                                         params={"active": "true", "expand": "user"}).json())
    assert [m.user.username for m in active.data] == ["user11"]

    first = pod.put(f"/v2/admin/usergroups/{gid}/assignments/{users[0]['id']}", json={"active": True})
    assert first.status_code == 201 and parsed(UserGroupAssignmentResponse, first.json()).active is True
    assignees = parsed(UserGroupAssigneeResponse, pod.get(f"/v2/admin/usergroups/{gid}/assignments").json())
    assert [a.user_id for a in assignees.data] == [users[0]["id"]]


async def bdk_lookup(config: BdkConfig, token: Token, **params: Any) -> Any:
    """The users lookup through the BDK's own generated client (its models, its status handling)."""
    factory = ApiClientFactory(config)
    try:
        return await UsersApi(factory.get_pod_client()).v3_users_get(session_token=token.token, **params)
    finally:
        await factory.close_clients()


def test_users_lookup_200_and_204_parse_with_the_bdk(symphony_url, symphony_admin, token):
    """The lookup as the people adapters use it: by username and by address; nobody found is a 204."""
    symphony_admin.post("/users", json={"users": [{"username": "kim.lee", "email": "Kim.Lee@acme.example"}]})
    config = bdk_config(symphony_url, os.environ["CONFORMANCE_SYMPHONY_BOT"], os.environ["CONFORMANCE_SYMPHONY_KEY"])
    found = asyncio.run(bdk_lookup(config, token, email="kim.lee@acme.example", local=True))
    assert [(u.username, u.email_address) for u in found.users] == [("kim.lee", "Kim.Lee@acme.example")]
    by_name = asyncio.run(bdk_lookup(config, token, username="KIM.LEE,ghost", local=True))
    assert [u.username for u in by_name.users] == ["kim.lee"] and by_name.errors[0].id == "ghost"
    nobody = asyncio.run(bdk_lookup(config, token, username="mallory", local=True))
    assert nobody is None  # the BDK's answer to the documented 204 "No user found."


async def bdk_directory(config: BdkConfig, token: Token) -> tuple[Any, Any, Any]:
    """Both user searches a directory query makes, through the BDK's own generated clients and models."""
    from symphony.bdk.gen.pod_api.user_api import UserApi
    from symphony.bdk.gen.pod_model.user_filter import UserFilter
    from symphony.bdk.gen.pod_model.user_search_filter import UserSearchFilter
    from symphony.bdk.gen.pod_model.user_search_query import UserSearchQuery

    factory = ApiClientFactory(config)
    try:
        users = UsersApi(factory.get_pod_client())
        query = UserSearchQuery(filters=UserSearchFilter(company="Acme Bank", location="London"))
        first = await users.v1_user_search_post(session_token=token.token, search_request=query, local=True,
                                                skip=0, limit=1)
        second = await users.v1_user_search_post(session_token=token.token, search_request=query, local=True,
                                                 skip=1, limit=1)
        found = await UserApi(factory.get_pod_client()).v1_admin_user_find_post(
            session_token=token.token, payload=UserFilter(role="COMPLIANCE_OFFICER", status="ENABLED"), limit=1000)
        return first, second, found
    finally:
        await factory.close_clients()


def test_directory_searches_parse_with_the_bdk(symphony_url, symphony_admin, token):
    """Search Users (paged by skip/limit) and Find Users answer in the BDK's UserSearchResults and UserDetail."""
    symphony_admin.post("/users", json={"users": [
        {"username": "cara.lon", "company": "Acme Bank", "location": "London", "title": "Officer",
         "_roles": ["INDIVIDUAL", "COMPLIANCE_OFFICER"]},
        {"username": "dan.bridge", "company": "Acme Bank", "location": "London Bridge"},
        {"username": "eve.off", "company": "Acme Bank", "location": "London", "_status": "DISABLED"}]})
    config = bdk_config(symphony_url, os.environ["CONFORMANCE_SYMPHONY_BOT"], os.environ["CONFORMANCE_SYMPHONY_KEY"])
    first, second, found = asyncio.run(bdk_directory(config, token))
    assert first.count == 2 and len(first.users) == 1 and len(second.users) == 1
    assert {(u.username, u.location) for u in first.users + second.users} == \
        {("cara.lon", "London"), ("dan.bridge", "London Bridge")}  # inexact, as documented; active users only
    assert [(d.user_attributes.user_name, d.user_system_info.status) for d in found] == [("cara.lon", "ENABLED")]


def test_directory_answers_hold_only_fields_the_bdk_knows(pod, symphony_admin):
    from symphony.bdk.gen.pod_model.user_attributes import UserAttributes
    from symphony.bdk.gen.pod_model.user_detail import UserDetail
    from symphony.bdk.gen.pod_model.user_search_results import UserSearchResults
    from symphony.bdk.gen.pod_model.user_system_info import UserSystemInfo
    from symphony.bdk.gen.pod_model.user_v2 import UserV2

    symphony_admin.post("/users", json={"users": [{"username": "fay.lon", "location": "London", "title": "Analyst",
                                                   "company": "Acme Bank", "_function": ["Compliance"]}]})
    searched = pod.post("/v1/user/search", params={"local": "true"}, json={"filters": {"function": "Compliance"}})
    results = parsed(UserSearchResults, searched.raise_for_status().json())
    assert [u.username for u in results.users] == ["fay.lon"]
    for user in searched.json()["users"]:
        parsed(UserV2, user)
    found = pod.post("/v1/admin/user/find", json={"status": "ENABLED"}).raise_for_status().json()
    assert found and all(parsed(UserDetail, d).user_system_info.id for d in found)
    for detail in found:
        parsed(UserAttributes, detail["userAttributes"])
        parsed(UserSystemInfo, detail["userSystemInfo"])
