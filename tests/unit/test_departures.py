"""SoftwareOne's one-group rule at ``destroy`` and when an ``up`` drops entries: refused before any write."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from program.guards import swo_departures
from program.ledger import PeopleLedgerProvider
from providers.errors import ProviderError
from providers.swo.departures import Leaving
from tests.unit.helpers import calls, configured
from tests.unit.people_fakes import ACC, GID, SWO_CONFIG, Tenant

OTHER = "UGR-1111-3333"  # a second group of the stack
OUTSIDE = "UGR-9999-0001"  # a group the stack does not declare


def entry(gid: str, users: list[str] | None = None, **more: Any) -> dict[str, Any]:
    return {"groupId": gid, "accountId": ACC, "connection": "swo", "formerKeys": [], "retainPeople": False,
            **({"users": users} if users is not None else {}), **more}


def ledger(swo: dict[str, Any]) -> dict[str, Any]:
    return {"symphonyGroups": {}, "swoGroups": swo, "where": "stacks/Pulumi.t.yaml"}


def test_destroy_names_everyone_left_without_a_group_and_everyone_added_outside_before_any_write():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        tenant = Tenant(rsps, {"USR-1234-0001": "ann@contoso.com", "USR-1234-0002": "bob@contoso.com",
                               "USR-1234-0003": "cat@contoso.com", "USR-1234-0004": "dan@contoso.com"},
                        {"USR-1234-0001": {GID}, "USR-1234-0002": {GID, OUTSIDE},
                         "USR-1234-0003": {GID, OTHER}, "USR-1234-0004": {GID, OUTSIDE}})
        provider = configured(PeopleLedgerProvider, SWO_CONFIG)
        stored = ledger({"ops": entry(GID, ["USR-1234-0001", "bob@contoso.com", "USR-1234-0003"]),
                         "fin": entry(OTHER, [])})
        with pytest.raises(ProviderError) as caught:
            provider.delete("people-ledger", stored)
        text = str(caught.value)
        # 0001 has only this group; 0003's other group leaves too; 0004 was added outside and would keep the group.
        assert text.startswith(f"nothing was changed: the groups leaving account {ACC} would strand users (ops ({GID}): ")
        assert "USR-1234-0001 (ann@contoso.com), USR-1234-0003 (cat@contoso.com) would have no group left" in text
        assert "USR-1234-0004 (dan@contoso.com) would stay in it (not removed by this stack)" in text
        assert "USR-1234-0002" not in text  # declared by address, with a group outside the stack: fine
        assert "\n" not in text and "declare them in its `users`" in text
        assert calls(rsps, "DELETE") == [] and calls(rsps, "POST") == []
        assert tenant.groups["USR-1234-0001"] == {GID}


def test_a_destroy_that_strands_nobody_checks_with_one_listing_per_group_and_passes():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        Tenant(rsps, {"USR-1234-0001": "ann@contoso.com"}, {"USR-1234-0001": {GID, OUTSIDE}})
        provider = configured(PeopleLedgerProvider, SWO_CONFIG)
        provider.delete("people-ledger", ledger({"ops": entry(GID, ["ann@contoso.com"])}))
        assert len(calls(rsps, "GET")) == 1 and len(rsps.calls) == 1


def test_retained_people_keep_the_group_from_being_deleted_and_are_named():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        Tenant(rsps, {"USR-1234-0001": "ann@contoso.com"}, {"USR-1234-0001": {GID, OUTSIDE}})
        provider = configured(PeopleLedgerProvider, SWO_CONFIG)
        with pytest.raises(ProviderError, match=r"USR-1234-0001 \(ann@contoso.com\) would stay in it"):
            provider.delete("people-ledger", ledger({"ops": entry(GID, ["USR-1234-0001"], retainPeople=True)}))


def test_an_up_that_drops_an_entry_is_checked_at_preview_and_a_move_to_a_kept_group_is_fine():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        Tenant(rsps, {"USR-1234-0001": "ann@contoso.com"}, {"USR-1234-0001": {GID}})
        provider = configured(PeopleLedgerProvider, SWO_CONFIG)
        olds = ledger({"ops": entry(GID, ["USR-1234-0001"]), "fin": entry(OTHER, [])})
        with pytest.raises(ProviderError, match="USR-1234-0001 .* would have no group left"):
            provider.diff("people-ledger", olds, ledger({"fin": entry(OTHER, [])}))
        # The same edit declaring her in the kept group is a move: the add runs before the removal.
        assert provider.diff("people-ledger", olds, ledger({"fin": entry(OTHER, ["ann@contoso.com"])})).changes
        # So is a group still to be created (its id unknown at preview) that declares her.
        new = {"fin": entry(OTHER, []), "new": {**entry(GID, ["USR-1234-0001"]), "groupId": None}}
        assert provider.diff("people-ledger", olds, ledger(new)).changes


def test_only_leaving_groups_are_read_and_a_moved_key_or_an_older_record_is_not_leaving():
    olds = ledger({"ops": entry(GID, ["USR-1"]), "old": {"users": ["USR-2"], "formerKeys": []}})
    assert swo_departures(olds, ledger({"ops": entry(GID, ["USR-1"])}))[("swo", ACC)][0] == []
    assert swo_departures(olds, ledger({"ops2": entry(GID, [], formerKeys=["ops"])}))[("swo", ACC)][0] == []
    leaving, kept = swo_departures(olds, {})[("swo", ACC)]
    assert leaving == [Leaving("ops", GID, ("USR-1",))] and kept == {}


def test_an_unreachable_api_refuses_the_destroy_naming_why():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, f"{SWO_CONFIG['swo:apiUrl']}/public/v1/accounts/accounts/{ACC}/users",
                 status=503, json={"title": "Service Unavailable", "status": 503})
        provider = configured(PeopleLedgerProvider, SWO_CONFIG)
        with pytest.raises(ProviderError, match="^could not check who the groups leaving account .* so nothing was "
                                                "changed: "):
            provider.delete("people-ledger", ledger({"ops": entry(GID, [])}))
