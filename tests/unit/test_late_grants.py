"""An additive grant with no answer that lands after its create failed: the people ledger takes it back,
unless something the run declares holds that person; for each additive kind."""

from __future__ import annotations

import time

import pytest

from program.ledger import PeopleLedgerProvider
from providers import pending
from providers.errors import ProviderError
from providers.people import late_grants
from tests.unit.test_people_rules import WORLDS, World, make, new_run

LEDGER = {"symphonyGroups": {}, "swoGroups": {}, "where": "stacks/Pulumi.t.yaml"}


def failed_grant(w: World, ref: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A create whose grant had no answer (a read timeout): nothing in the state, the grant may land later."""
    provider = w.provider(w.one_cls)
    adapter_class = provider.adapter_class

    def no_answer(self: object, group_id: str, person_id: object) -> None:
        raise ProviderError("PUT failed: no answer within 1 s (read timeout)")

    with monkeypatch.context() as m:
        m.setattr(adapter_class, "add", no_answer)
        with pytest.raises(ProviderError):
            provider.create(w.one_props(ref))
    assert len(late_grants.journaled(w.one_cls.__name__)) == 1  # journaled before the write was sent


def ledger(w: World) -> PeopleLedgerProvider:
    """The stack's ledger in the run's provider process (after the people resources' checks)."""
    return w.provider(PeopleLedgerProvider)


@pytest.mark.parametrize("name", list(WORLDS))
def test_a_late_grant_nobody_declares_is_named_at_preview_and_taken_back(rsps, name, monkeypatch, capsys):
    w = make(rsps, name)
    failed_grant(w, w.refs[1], monkeypatch)
    w.put_in(w.refs[1])  # the slow server commits it after the run
    new_run()  # the next run declares someone else in the group
    assert not w.provider(w.one_cls).check({}, w.one_props(w.refs[0])).failures
    diff = ledger(w).diff("people-ledger", LEDGER, LEDGER)
    assert diff.changes and "will be taken out" in capsys.readouterr().err
    writes = w.writes()
    ledger(w).update("people-ledger", LEDGER, LEDGER)
    assert w.refs[1] not in w.members() and w.writes() == writes + 1
    new_run()  # the record stays for its window (a retried write may land too), and finds nothing more
    assert not ledger(w).diff("people-ledger", LEDGER, LEDGER).changes


@pytest.mark.parametrize("name", list(WORLDS))
def test_a_late_grant_still_declared_is_kept_whatever_the_spelling(rsps, name, monkeypatch):
    w = make(rsps, name)
    failed_grant(w, w.refs[1], monkeypatch)
    w.put_in(w.refs[1])
    new_run()
    # Declared again (a list of the group counts too, where the kind has one), by the same person's other name
    # where the API has one (a SoftwareOne user by address, not id).
    provider = w.provider(w.list_cls or w.one_cls)
    props = w.list_props([w.refs[1]]) if w.list_cls else w.one_props(w.refs[1])
    assert not provider.check({}, props).failures
    assert not ledger(w).diff("people-ledger", LEDGER, LEDGER).changes
    assert w.refs[1] in w.members()


@pytest.mark.parametrize("name", list(WORLDS))
def test_a_create_that_succeeds_later_owns_the_grant(rsps, name, monkeypatch):
    w = make(rsps, name)
    failed_grant(w, w.refs[1], monkeypatch)
    new_run()
    w.provider(w.one_cls).create(w.one_props(w.refs[1]))  # the user's next `up` declares them again
    assert late_grants.journaled(w.one_cls.__name__) == []  # a resource of the state holds them now
    new_run()
    assert not ledger(w).diff("people-ledger", LEDGER, LEDGER).changes and w.refs[1] in w.members()


@pytest.mark.parametrize("name", list(WORLDS))
def test_a_grant_that_never_landed_is_forgotten_after_its_window(rsps, name, monkeypatch):
    w = make(rsps, name)
    failed_grant(w, w.refs[1], monkeypatch)
    (grant,) = late_grants.journaled(w.one_cls.__name__)
    new_run()
    assert not ledger(w).diff("people-ledger", LEDGER, LEDGER).changes
    assert late_grants.journaled(w.one_cls.__name__)  # within its window: it may still land
    pending.record(grant.scope, grant.name, time.time() - 3600)  # the window is over
    new_run()
    assert not ledger(w).diff("people-ledger", LEDGER, LEDGER).changes
    assert late_grants.journaled(w.one_cls.__name__) == []


@pytest.mark.parametrize("name", list(WORLDS))
def test_another_tenants_grant_under_the_same_connection_name_is_left_to_its_own_stack(rsps, name, monkeypatch):
    # Two stacks of one project folder, one connection name, two tenants: the journal is the folder's.
    w = make(rsps, name)
    failed_grant(w, w.refs[1], monkeypatch)
    (grant,) = late_grants.journaled(w.one_cls.__name__)
    pending.settle(grant.scope, grant.name)
    other = late_grants.key(grant.resource_id, grant.group, "https://other-tenant.example")
    pending.record(grant.scope, other, time.time() - 3600)  # past its window, and landed there, say
    w.put_in(w.refs[1])
    new_run()
    writes = w.writes()
    assert not ledger(w).diff("people-ledger", LEDGER, LEDGER).changes and w.writes() == writes
    assert [g.tenant for g in late_grants.journaled(w.one_cls.__name__)] == ["https://other-tenant.example"]
