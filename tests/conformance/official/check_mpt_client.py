"""SoftwareOne's official client (``mpt-api-client``) drives the Marketplace emulator.

Nothing here was written for the emulator: every request is built by the vendor's
client and every answer is parsed by its models and error types.
"""

from __future__ import annotations

import pytest
from mpt_api_client import MPTClient
from mpt_api_client.auth import BearerTokenAuthentication
from mpt_api_client.exceptions import MPTAPIError
from mpt_api_client.rql import RQLQuery

ACCOUNT = "ACC-1234-5678"
OTHER = "ACC-9999-0000"


def body(name: str, account: str = ACCOUNT, **extra):
    return {"name": name, "account": {"id": account}, "modules": [{"id": "MOD-1756"}], **extra}


@pytest.fixture
def groups(swo_url, swo_token, swo_admin):
    client = MPTClient.from_config(authentication=BearerTokenAuthentication(swo_token), base_url=swo_url)
    return client.accounts.user_groups


def test_create_get_update_delete(groups):
    created = groups.create(body("Ops", description="first", logo="", buyers=None))
    assert created.id.startswith("UGR-") and created.name == "Ops" and created.revision == 1
    assert created.account.id == ACCOUNT and created.is_default is False
    fetched = groups.get(created.id)
    assert fetched.id == created.id and fetched.description == "first"
    assert fetched.meta.omitted == ["audit", "users"]  # what the platform leaves out unless selected
    with_audit = groups.get(created.id, select=["audit"])
    assert with_audit.audit.created.at and with_audit.meta.omitted == ["users"]
    updated = groups.update(created.id, {"name": "Ops 2", "modules": [{"id": "MOD-1001"}], "description": None})
    assert updated.name == "Ops 2" and updated.revision == 2 and [m.id for m in updated.modules] == ["MOD-1001"]
    groups.delete(created.id)
    with pytest.raises(MPTAPIError) as err:
        groups.get(created.id)
    assert err.value.status_code == 404 and err.value.trace_id


def test_400_carries_field_errors(groups):
    with pytest.raises(MPTAPIError) as err:
        groups.create(body("Bad", modules=[{"id": "MOD-1"}]))
    e = err.value
    assert e.status_code == 400 and e.trace_id and "modules.0.id" in e.errors
    with pytest.raises(MPTAPIError) as err:
        groups.create({**body("Bad"), "unexpected": True})
    assert err.value.status_code == 400 and "unexpected" in err.value.errors


def test_401_for_a_wrong_token(swo_url, swo_admin):
    client = MPTClient.from_config(authentication=BearerTokenAuthentication("idt:TKN-0000-0000:wrong"),
                                   base_url=swo_url)
    with pytest.raises(MPTAPIError) as err:
        client.accounts.user_groups.fetch_page()
    assert err.value.status_code == 401 and err.value.title == "Authentication Failed"


def test_filters_eq_and_ilike_any(groups, swo_admin):
    ops = groups.create(body("Ops"))
    groups.create(body("ops team"))
    groups.create(body("Ops", account=OTHER))
    swo_admin.patch(f"/groups/{ops.id}", json={"users": ["USR-1234-0001"]}).raise_for_status()

    exact = groups.filter(RQLQuery(account__id=ACCOUNT) & RQLQuery(name="Ops"))
    assert [g.id for g in exact.iterate()] == [ops.id]
    assert exact.fetch_one().id == ops.id

    ilike = groups.filter(RQLQuery(account__id=ACCOUNT) & RQLQuery().n("name").ilike("OPS*")).order_by("name")
    assert [g.name for g in ilike.iterate()] == ["Ops", "ops team"]

    members = groups.filter(RQLQuery(id="USR-1234-0001").any("users"))
    assert [g.id for g in members.iterate()] == [ops.id]

    either = groups.filter(RQLQuery(name="Ops") | RQLQuery(name="ops team")).order_by("account.id", "name")
    assert [(g.account.id, g.name) for g in either.iterate()] == [(ACCOUNT, "Ops"), (ACCOUNT, "ops team"),
                                                                  (OTHER, "Ops")]


def test_order_select_and_paging_to_the_end(groups):
    made = {groups.create(body(f"Team {i:02d}")).id for i in range(25)}
    ordered = groups.filter(RQLQuery(account__id=ACCOUNT)).order_by("-name").select("+audit")
    seen = list(ordered.iterate(batch_size=10))
    names = [g.name for g in seen]
    assert len(seen) == 26 and len({g.id for g in seen}) == 26  # 25 + the default group, each once
    assert made <= {g.id for g in seen}
    assert names == sorted(names, reverse=True)
    assert all(g.audit.created.at for g in seen)
    page = ordered.fetch_page(limit=10, offset=20)
    assert page.meta.pagination.total == 26 and len(page) == 6 and page.meta.omitted == ["users"]


def test_default_group_cannot_be_deleted(groups):
    groups.create(body("Ops"))
    default = groups.filter(RQLQuery(account__id=ACCOUNT) & RQLQuery(isDefault=True)).fetch_one()
    with pytest.raises(MPTAPIError) as err:
        groups.delete(default.id)
    assert err.value.status_code == 400 and "default" in err.value.detail.lower()


def test_account_user_groups_add_list_remove(swo_url, swo_token, swo_admin, groups):
    """Membership through the client's own account-user services (the paths the platform kept)."""
    client = MPTClient.from_config(authentication=BearerTokenAuthentication(swo_token), base_url=swo_url)
    ops = groups.create(body("Ops"))
    seeded = swo_admin.post("/users", json={"account": ACCOUNT, "users": [{"email": "jane@contoso.com"},
                                                                           {"email": "joe@contoso.com"}]})
    jane, joe = seeded.raise_for_status().json()
    users = client.accounts.accounts.users(ACCOUNT)
    users.groups(jane["id"]).create({"id": ops.id})
    users.groups(jane["id"]).create({"id": ops.id})  # adding a group the user has is no change
    member = users.get(jane["id"])
    assert [g.id for g in member.groups].count(ops.id) == 1 and member.user.email == "jane@contoso.com"

    in_ops = users.filter(RQLQuery(id=ops.id).any("groups")).order_by("id")
    assert [u.id for u in in_ops.iterate()] == [jane["id"]]
    by_mail = users.filter(RQLQuery().n("user.email").in_(["joe@contoso.com"]))
    assert [u.id for u in by_mail.iterate()] == [joe["id"]]
    # As the people adapter asks: an address by ilike of its exact text (no collation decides), and ids
    # in either account-user form together with the user's own id.
    by_exact = users.filter(RQLQuery().n("user.email").ilike("JOE@contoso.com"))
    assert [u.id for u in by_exact.iterate()] == [joe["id"]]
    by_id = users.filter(RQLQuery().n("id").in_([jane["id"], "A" + jane["id"]]) | RQLQuery().n("user.id").in_(
        [jane["id"]]))
    assert [u.id for u in by_id.iterate()] == [jane["id"]]
    assert [u.id for u in groups.get(ops.id, select=["users"]).users] == [jane["id"]]

    with pytest.raises(MPTAPIError) as err:
        groups.delete(ops.id)  # still has a user
    assert err.value.status_code == 400 and err.value.trace_id

    users.groups(jane["id"]).delete(ops.id)
    with pytest.raises(MPTAPIError) as err:
        users.groups(jane["id"]).delete(ops.id)  # no longer in it
    assert err.value.status_code == 404
    default = jane["groups"][0]["id"]
    with pytest.raises(MPTAPIError) as err:
        users.groups(jane["id"]).delete(default)  # the user's last group
    assert err.value.status_code == 400 and "at least one" in err.value.detail
    groups.delete(ops.id)


def test_a_directory_query_over_account_users_as_the_client_builds_it(swo_url, swo_token, swo_admin):
    """A query group's RQL: the client's own builder and the raw expression a stack declares, with the active
    status the provider adds, choose the same users, and the client's model reads their status."""
    client = MPTClient.from_config(authentication=BearerTokenAuthentication(swo_token), base_url=swo_url)
    swo_admin.post("/users", json={"account": ACCOUNT, "users": [
        {"email": "ann@contoso.com"}, {"email": "cid@contoso.com", "status": "Disabled"},
        {"email": "bob@fabrikam.com"}]}).raise_for_status()
    users = client.accounts.accounts.users(ACCOUNT)
    built = RQLQuery().n("user.email").ilike("*@contoso.com") & RQLQuery(status="Active")
    raw = RQLQuery.new(expr='and(ilike(user.email,"*@contoso.com"),eq(status,"Active"))')
    chosen = [(u.user.email, u.status) for u in users.filter(built).order_by("id").iterate()]
    assert chosen == [("ann@contoso.com", "Active")]
    assert [(u.user.email, u.status) for u in users.filter(raw).order_by("id").iterate()] == chosen
