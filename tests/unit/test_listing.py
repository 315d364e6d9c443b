"""A refresh's reads answered from a tenant listing: pages, not one request per group."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from providers.errors import ProviderError
from providers.swo.provider import SwoUserGroupProvider
from providers.symphony.provider import SymphonyUserGroupProvider
from tests.unit.helpers import FAST, POD_URL, SESSION, SWO_TOKEN, SWO_URL, calls, configured
from tests.unit.test_swo_provider import GROUPS as SWO_GROUPS, INPUTS as SWO_INPUTS, LIST as SWO_LIST, group
from tests.unit.test_symphony_provider import GROUPS as SYM_GROUPS, INPUTS as SYM_INPUTS, LIST as SYM_LIST, grp


@pytest.fixture
def swo():
    return configured(SwoUserGroupProvider, {"swo:apiUrl": SWO_URL, "swo:apiToken": SWO_TOKEN,
                                             **{f"swo:{k}": v for k, v in FAST.items()}})


@pytest.fixture
def symphony():
    return configured(SymphonyUserGroupProvider, {"symphony:podUrl": POD_URL, "symphony:sessionToken": SESSION,
                                                  **{f"symphony:{k}": v for k, v in FAST.items()}})


def swo_account(rsps, groups, status=200):
    """The account's listing, paged by offset as the API pages it."""
    def answer(request):
        if status != 200:
            return status, {}, json.dumps({"title": "refused", "status": status})
        offset = int(parse_qs(urlsplit(request.url).query).get("offset", ["0"])[0] or 0)
        data = groups[offset:offset + 100]
        meta = {"pagination": {"offset": offset, "limit": 100, "total": len(groups)}}
        return 200, {}, json.dumps({"$meta": meta, "data": data})
    rsps.add_callback(responses.GET, SWO_LIST, callback=answer)


def swo_groups(n):
    return [group(f"UGR-0000-{i:04d}", name=f"Team {i}") for i in range(n)]


def listing_calls(rsps):
    return [c for c in calls(rsps, "GET") if "user-groups?" in c.request.url or "usergroups?" in c.request.url]


def read_all(provider, ids, inputs):
    """Reads as the engine makes them in a refresh: four at once."""
    results = {}
    pending = list(ids)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not pending:
                    return
                gid = pending.pop()
            results[gid] = provider.read(gid, dict(inputs))
    threads = [threading.Thread(target=worker) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def test_a_refresh_of_250_groups_reads_three_pages_and_no_group_alone(swo, rsps):
    groups = swo_groups(250)
    swo_account(rsps, groups)
    for g in groups:
        rsps.get(f"{SWO_GROUPS}/{g['id']}", json=g)
    results = read_all(swo, [g["id"] for g in groups], SWO_INPUTS)
    assert {gid: r.outs["name"] for gid, r in results.items()} == {g["id"]: g["name"] for g in groups}
    assert len(listing_calls(rsps)) == 3
    # At most the first reads' own, made while the listing had not reached them within its budget.
    assert len(calls(rsps, "GET")) <= 3 + 3


def test_a_group_the_listing_lacks_is_asked_for_alone_before_it_is_declared_gone(swo, rsps, capsys):
    swo_account(rsps, swo_groups(3))
    rsps.get(f"{SWO_GROUPS}/UGR-9999-0000", status=404, json={"title": "Not Found", "status": 404})
    rsps.get(f"{SWO_GROUPS}/UGR-9999-0001", json=group("UGR-9999-0001", name="Created after the listing"))
    assert swo.read("UGR-0000-0001", dict(SWO_INPUTS)).outs["name"] == "Team 1"
    assert swo.read("UGR-9999-0000", dict(SWO_INPUTS)).id == ""
    assert "deleted outside Pulumi" in capsys.readouterr().err
    assert swo.read("UGR-9999-0001", dict(SWO_INPUTS)).outs["name"] == "Created after the listing"
    assert len(listing_calls(rsps)) == 1


def test_a_few_groups_in_a_large_tenant_never_cost_more_pages_than_reads(swo, rsps):
    groups = swo_groups(1000)  # ten pages
    swo_account(rsps, groups)
    rsps.get(f"{SWO_GROUPS}/UGR-0000-0999", json=groups[999])
    assert swo.read("UGR-0000-0999", dict(SWO_INPUTS)).outs["name"] == "Team 999"
    assert len(listing_calls(rsps)) == 1 and len(calls(rsps, "GET")) == 2


def test_a_write_drops_the_listing_so_a_later_read_sees_it(swo, rsps):
    swo_account(rsps, swo_groups(2))
    swo.read("UGR-0000-0001", dict(SWO_INPUTS))
    rsps.put(f"{SWO_GROUPS}/UGR-0000-0001", json=group("UGR-0000-0001", name="Operations"))
    swo.update("UGR-0000-0001", dict(SWO_INPUTS), dict(SWO_INPUTS))
    swo.read("UGR-0000-0001", dict(SWO_INPUTS))
    assert len(listing_calls(rsps)) == 2


def test_a_listing_refused_leaves_each_read_to_ask_alone(swo, rsps):
    swo_account(rsps, [], status=403)
    rsps.get(f"{SWO_GROUPS}/UGR-1", json=group("UGR-1"))
    rsps.get(f"{SWO_GROUPS}/UGR-2", json=group("UGR-2"))
    assert swo.read("UGR-1", dict(SWO_INPUTS)).id == "UGR-1"
    assert swo.read("UGR-2", dict(SWO_INPUTS)).id == "UGR-2"
    assert len(listing_calls(rsps)) == 1


def test_a_listing_that_keeps_failing_fails_the_read_once_retried(swo, rsps):
    swo_account(rsps, [], status=503)
    with pytest.raises(ProviderError, match="reading SoftwareOne user group UGR-1: .*503"):
        swo.read("UGR-1", dict(SWO_INPUTS))
    assert len(calls(rsps, "GET")) == 4  # the listing's 1 + maxRetries (3 here), no second round for the group


def test_symphony_reads_follow_the_cursor_of_their_type(symphony, rsps):
    def answer(request):
        after = parse_qs(urlsplit(request.url).query).get("after", [None])[0]
        start = int(after or 0)
        data = [grp(f"g{i}", name=f"Scope {i}") for i in range(start, min(start + 100, 150))]
        pagination = {"cursors": {"after": str(start + 100)}, "next": f"/pod/v2/admin/usergroups?after={start + 100}"} \
            if start + 100 < 150 else {"cursors": {}}
        return 200, {}, json.dumps({"data": data, "pagination": pagination})
    rsps.add_callback(responses.GET, SYM_LIST, callback=answer)
    for i in range(150):
        rsps.get(f"{SYM_GROUPS}/g{i}", json=grp(f"g{i}", name=f"Scope {i}"))
    results = read_all(symphony, [f"g{i}" for i in range(150)], SYM_INPUTS)
    assert results["g149"].outs["name"] == "Scope 149" and len(results) == 150
    assert all("type=ROLE_SCOPE" in c.request.url for c in listing_calls(rsps))
    assert len(listing_calls(rsps)) == 2 and len(calls(rsps, "GET")) <= 2 + 3
