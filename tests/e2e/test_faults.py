"""Faults injected into the emulators during a real `pulumi up`: nothing lost, nothing duplicated.

Every scenario: `up` with the fault active (it may succeed, or fail with one clear message naming
the group), then with the fault cleared `refresh` and `up`; afterwards the emulator holds exactly
the declared groups and the state's ids match the emulator's. The outcomes become docs/reliability.md.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

import pytest

from tests.e2e import reliability
from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

SYM_GROUPS = [symphony_group(f"s{i}", f"Scope {i}", area="EMEA") for i in range(3)]
SWO_GROUPS = [swo_group(f"w{i}", f"Team {i}") for i in range(3)]
SYM = {"symphony": "/pod/v2/admin/usergroups", "swo": "/public/v1/accounts/user-groups"}


@pytest.fixture(scope="module", autouse=True)
def report():
    reliability.reset()
    yield
    reliability.write_report()


def declared(project: PulumiProject) -> tuple[list[dict], list[dict]]:
    import yaml
    config = yaml.safe_load(project.stack_file.read_text())["config"]
    return config.get("usergroups:symphonyGroups") or [], config.get("usergroups:swoGroups") or []


def assert_converged(project: PulumiProject, emu: Emulators) -> None:
    sym, swo = declared(project)
    active = [g for g in emu.symphony.groups() if g["active"]]
    managed = [g for g in emu.swo.groups() if not g.get("isDefault")]
    assert sorted(g["name"] for g in active) == sorted(g["name"] for g in sym), "Symphony groups differ"
    assert sorted(g["name"] for g in managed) == sorted(g["name"] for g in swo), "SoftwareOne groups differ"
    assert project.state_ids("symphony:UserGroup") == {g["id"] for g in active}
    assert project.state_ids("swo:UserGroup") == {g["id"] for g in managed}
    # An orphan would be a group on the emulator that the state does not know.
    assert all(g["id"] in project.state_ids("symphony:UserGroup") for g in emu.symphony.groups() if g["active"])


def error_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if re.match(r"\s*error: ", line)
            and "update failed" not in line]


def scenario(project: PulumiProject, emu: Emulators, fault: str, resource: str, inject, *, must_succeed: bool,
             sym=SYM_GROUPS, swo=SWO_GROUPS, setup=None, config: dict | None = None, before_settle=None,
             must_fail_with: str | None = None) -> Counter:
    """Runs the scenario; returns the requests counted during the faulted `up`."""
    project.set_groups(symphony=sym if resource in ("Symphony", "both") else [],
                       swo=swo if resource in ("SoftwareOne", "both") else [])
    if config:
        import yaml
        data = yaml.safe_load(project.stack_file.read_text())
        data["config"].update(config)
        project.stack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    if setup:
        setup()
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    inject()
    first = project.up()
    counts = Counter({f"{k}": v for k, v in emu.symphony.counts().items()})
    counts.update(emu.swo.counts())
    emu.symphony.clear_faults()
    emu.swo.clear_faults()
    errors = error_lines(first.output)
    if first.returncode != 0:
        assert errors, first.output[-3000:]
        assert "Traceback" not in first.output
        names = [g["name"] for g in (sym if resource != "SoftwareOne" else []) + (swo if resource != "Symphony" else [])]
        assert all(any(n in e for n in names) for e in errors if "UserGroup" in e or "group" in e), errors
    if must_succeed:
        first.ok()
    if must_fail_with is not None:
        assert first.returncode != 0 and must_fail_with in first.output, first.output[-3000:]
    if before_settle:
        before_settle()
    settle_and_record(project, emu, fault, resource, first.returncode, errors, dict(counts))
    return counts


def settle_and_record(project: PulumiProject, emu: Emulators, fault: str, resource: str, returncode: int,
                      errors: list[str], counts: dict[str, int]) -> None:
    """With the fault cleared: refresh, up, check convergence, and record the row either way."""
    converged = False
    try:
        project.refresh().ok()
        project.up().ok()
        assert_converged(project, emu)
        converged = True
    finally:
        outcome = "succeeded" if returncode == 0 else "failed: " + (errors[0][:160] if errors else "?")
        reliability.record(reliability.Row(fault, resource, outcome, converged, counts, errors))


def write_routes(api: str) -> list[str]:
    base = SYM[api]
    return [f"POST {base}", f"PUT {base}/{{groupId}}" if api == "symphony" else f"PUT {base}/{{id}}"]


BOTH = ["Symphony", "SoftwareOne"]


def control(emu: Emulators, resource: str):
    return emu.symphony if resource == "Symphony" else emu.swo


def api(resource: str) -> str:
    return "symphony" if resource == "Symphony" else "swo"


@pytest.mark.parametrize("resource", BOTH)
def test_429_with_retry_after_on_reads_and_writes(project, emu, resource):
    c, base = control(emu, resource), SYM[api(resource)]

    def inject():
        c.add_fault(route=f"GET {base}", kind="status", status=429, retry_after=1, times=2)
        c.add_fault(route=f"POST {base}", kind="status", status=429, retry_after=1, times=2)
    scenario(project, emu, "429 + Retry-After: 1 (reads and writes)", resource, inject, must_succeed=True)


@pytest.mark.parametrize("resource", BOTH)
def test_503_burst_within_budget(project, emu, resource):
    c = control(emu, resource)
    scenario(project, emu, "burst of 3 × 503 (within the retry budget)", resource,
             lambda: c.add_fault(route="*", kind="status", status=503, times=3), must_succeed=True)


@pytest.mark.parametrize("resource", BOTH)
def test_503_outlasting_budget(project, emu, resource):
    c, ns = control(emu, resource), api(resource)
    scenario(project, emu, "503 until cleared (outlasts a 3 s retry budget)", resource,
             lambda: c.add_fault(route="*", kind="status", status=503), must_succeed=False,
             config={f"{ns}:retryBudget": "3"})


@pytest.mark.parametrize("resource", BOTH)
def test_connection_reset_before_commit(project, emu, resource):
    # From the client's side a reset after sending cannot be told from a slow commit: the run
    # stops without a second POST, and the next one after the pending window creates the group.
    c, base, ns = control(emu, resource), SYM[api(resource)], api(resource)
    scenario(project, emu, "connection reset before the create is committed", resource,
             lambda: c.add_fault(route=f"POST {base}", kind="drop_before", times=1), must_succeed=False,
             must_fail_with="no second create was sent", config={f"{ns}:pendingWindow": "2"},
             before_settle=lambda: time.sleep(2.5))


@pytest.mark.parametrize("resource", BOTH)
def test_create_committed_after_the_client_gave_up(project, emu, resource):
    c, base, ns = control(emu, resource), SYM[api(resource)], api(resource)

    def committed() -> None:  # the server finishes the first create about 20 s after it arrived
        deadline = time.time() + 40
        while len([g for g in c.groups() if not g.get("isDefault")]) < 3 and time.time() < deadline:
            time.sleep(0.5)
    counts = scenario(project, emu, "create committed 20 s late (read timeout 1 s): no second POST", resource,
                      lambda: c.add_fault(route=f"POST {base}", kind="slow", delay=20, times=1), must_succeed=False,
                      must_fail_with="no second create was sent", config={f"{ns}:readTimeout": "1"},
                      before_settle=committed)
    assert counts[f"POST {base}"] >= 1


@pytest.mark.parametrize("resource", BOTH)
def test_connection_dropped_after_commit(project, emu, resource):
    c, base = control(emu, resource), SYM[api(resource)]
    scenario(project, emu, "connection dropped after the create is committed", resource,
             lambda: c.add_fault(route=f"POST {base}", kind="drop_after", times=2), must_succeed=True)


@pytest.mark.parametrize("resource", BOTH)
def test_read_timeout_on_slow_response(project, emu, resource):
    c, base, ns = control(emu, resource), SYM[api(resource)], api(resource)

    def inject():
        c.add_fault(route=f"POST {base}", kind="slow", delay=2.5, times=1)
    scenario(project, emu, "read timeout (1 s) on a create that takes 2.5 s", resource, inject, must_succeed=True,
             config={f"{ns}:readTimeout": "1"})


def test_session_expired_mid_run(project, emu):
    def inject():
        emu.symphony.add_fault(route="GET /pod/v2/admin/usergroups", kind="status", status=401, times=1)
    counts = scenario(project, emu, "401 in the middle of a run (session expired)", "Symphony", inject,
                      must_succeed=True)
    assert counts["POST /login/pubkey/authenticate"] == 2  # the run's login, and one renewal after the 401


@pytest.mark.parametrize("resource", BOTH)
def test_deleted_and_changed_outside(project, emu, resource):
    c = control(emu, resource)
    sym, swo = SYM_GROUPS, SWO_GROUPS
    project.set_groups(symphony=sym if resource == "Symphony" else [], swo=swo if resource == "SoftwareOne" else [])
    project.up().ok()
    ours = [g for g in c.groups() if not g.get("isDefault")]

    def inject():
        c.remove_group(ours[0]["id"])
        c.change_group(ours[1]["id"], description="edited by hand")
    scenario(project, emu, "one group deleted and one changed outside Pulumi (the `up` cannot know; `refresh` finds both)", resource, inject, must_succeed=True)
    assert all(g.get("description") != "edited by hand" for g in c.groups())


def test_emulator_stopped_during_run_then_started(project, emu):
    sym = [symphony_group(f"s{i}", f"Restart scope {i}") for i in range(6)]
    swo = [swo_group(f"w{i}", f"Restart team {i}") for i in range(6)]
    project.set_groups(symphony=sym, swo=swo)
    # Creates cut off by the kill had no answer: no new create is sent for pendingWindow seconds.
    import yaml
    data = yaml.safe_load(project.stack_file.read_text())
    data["config"].update({"symphony:pendingWindow": "3", "swo:pendingWindow": "3"})
    project.stack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    emu.symphony.settings(latency_ms=150)
    emu.swo.settings(latency_ms=150)
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    proc = project.start("up", "--yes")
    deadline = time.time() + 60
    while emu.swo.total("POST") + emu.symphony.total("POST /pod") < 2 and time.time() < deadline:
        time.sleep(0.1)
    emu.kill()
    time.sleep(2)
    emu.start()
    output, _ = proc.communicate(timeout=600)
    emu.symphony.settings(latency_ms=0)
    emu.swo.settings(latency_ms=0)
    errors = error_lines(output)
    assert proc.returncode == 0 or errors, output[-3000:]
    time.sleep(3.5)
    settle_and_record(project, emu, "emulators killed during `up`, restarted 2 s later", "both", proc.returncode,
                      errors, {"(counters restart with the process)": 0})


def test_many_groups_in_parallel_with_intermittent_429(project, emu):
    sym = [symphony_group(f"p{i:02d}", f"Parallel scope {i:02d}") for i in range(12)]
    swo = [swo_group(f"q{i:02d}", f"Parallel team {i:02d}") for i in range(12)]

    def inject():
        emu.symphony.add_fault(route="*", kind="status", status=429, retry_after=1, probability=0.3, seed=1)
        emu.swo.add_fault(route="*", kind="status", status=429, retry_after=1, probability=0.3, seed=2)
    scenario(project, emu, "24 groups created in parallel, 30% of requests answered 429", "both", inject,
             must_succeed=True, sym=sym, swo=swo)


# -- people under faults: one stack, a group per row -------------------------------------------------
ACC = "ACC-1234-5678"
SWO_PEOPLE = "/public/v1/accounts/accounts/{account}/users/{user}/groups"
SYM_PEOPLE = "/pod/v2/admin/usergroups/{groupId}/memberships/{userId}"


@dataclass
class PeopleRow:
    """One people fault scenario: its fault, the group it hits, and the edits around it."""

    fault: str
    resource: str
    key: str
    marker: str  # what its error lines name (the group id)
    inject: Callable[[], None]
    change: Callable[[], None]
    next_run: Optional[Callable[[], None]] = None
    landed: Optional[Callable[[], bool]] = None


def test_people_under_faults(project, emu):
    """Each row faults one group's people writes; afterwards an `up` (no refresh) leaves the live people as
    declared, and `refresh` then finds nothing to change. A late commit must be seen by the journal."""
    from tests.e2e.test_people_identity_e2e import in_group
    from tests.e2e.test_symphony_members_e2e import active
    emu.symphony.seed_pod_users(["ann.late", "bob.late", "cat.login", "dan.login"])
    names = ("ann", "bob", "cat", "dan", "eve")
    u = {n: x["id"] for n, x in zip(names, emu.swo.seed_users(ACC, [{"email": f"{n}@contoso.com"} for n in names]))}
    people = {"late": [u["ann"], u["bob"]], "moved": [u["cat"]], "redirect": [u["dan"]],
              "late-m": ["ann.late", "bob.late"], "login": ["cat.login"]}

    def declare() -> None:
        project.set_groups(
            symphony=[symphony_group(k, f"People {k}", members=people[k]) for k in ("late-m", "login")],
            swo=[swo_group(k, f"People {k}", users=people[k], **({"maxRemovals": 1} if k == "moved" else {}))
                 for k in ("late", "moved", "redirect")])
        import yaml
        data = yaml.safe_load(project.stack_file.read_text())
        data["config"].update({f"{ns}:{k}": v for ns in ("symphony", "swo")
                               for k, v in (("readTimeout", "1"), ("retryBudget", "3"), ("maxRetries", "1"),
                                            ("pendingWindow", "25"))})  # longer than the late commit takes
        project.stack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    declare()
    project.up().ok()
    ids = {**project.outputs()["swoGroups"], **project.outputs()["symphonyGroups"]}
    gid = {k: v["id"] for k, v in ids.items()}

    def live(key: str) -> set[str]:
        return in_group(emu, gid[key]) if key in ("late", "moved", "redirect") else active(emu, gid[key])

    def rows(*specs: PeopleRow) -> None:
        """Runs the rows' faults together (each on its own group and API), then settles and records each."""
        emu.symphony.reset_counts()
        emu.swo.reset_counts()
        for spec in specs:
            spec.inject()
            spec.change()
        declare()
        first = project.up()
        counts = {**emu.symphony.counts(), **emu.swo.counts()}
        emu.symphony.clear_faults()
        emu.swo.clear_faults()
        errors = error_lines(first.output)
        assert first.returncode == 0 or errors, first.output[-3000:]
        assert "Traceback" not in first.output
        if any(spec.next_run for spec in specs):  # the user's next edit, made before the late writes land
            for spec in specs:
                (spec.next_run or (lambda: None))()
            declare()
            project.up().ok()
        deadline = time.time() + 40
        while not all(spec.landed() for spec in specs if spec.landed) and time.time() < deadline:
            time.sleep(0.3)
        assert all(spec.landed() for spec in specs if spec.landed), "a late write never landed"
        settled: dict[str, bool] = {spec.key: False for spec in specs}
        try:
            project.up().ok()  # no refresh: the journal alone must bring each group back to what is declared
            for spec in specs:
                settled[spec.key] = live(spec.key) == set(people[spec.key])
            project.refresh().ok()
            project.preview("--expect-no-changes").ok()
        finally:
            for spec in specs:
                own = [e for e in errors if spec.marker in e] or errors
                outcome = "succeeded" if first.returncode == 0 or not [e for e in errors if spec.marker in e] \
                    else "failed: " + own[0][:160]
                wanted = "/login" if spec.resource.startswith("Symphony") else "/users/"
                reliability.record(reliability.Row(
                    spec.fault, spec.resource, outcome, settled[spec.key],
                    {k: v for k, v in counts.items() if (("/memberships" in k or "/login" in k) if wanted == "/login"
                                                         else "/users/" in k)}, own))
        assert all(settled.values()), settled

    # A removal the server commits after the client gave up, landing after the next run put the person back;
    # the same for a Symphony deactivation, in the same runs.
    rows(PeopleRow("user removal committed 20 s late (read timeout 1 s), after the next run declared the user again",
                   "SoftwareOne users", "late", gid["late"],
                   lambda: emu.swo.add_fault(route=f"DELETE {SWO_PEOPLE}/{{group}}", kind="slow", delay=20),
                   lambda: people.__setitem__("late", [u["ann"]]),
                   next_run=lambda: people.__setitem__("late", [u["ann"], u["bob"]]),
                   landed=lambda: u["bob"] not in in_group(emu, gid["late"])),
         PeopleRow("member deactivation committed 20 s late (read timeout 1 s), after the next run declared them "
                   "again", "Symphony members", "late-m", gid["late-m"],
                   lambda: emu.symphony.add_fault(route=f"PUT {SYM_PEOPLE}", kind="slow", delay=20),
                   lambda: people.__setitem__("late-m", ["ann.late"]),
                   next_run=lambda: people.__setitem__("late-m", ["ann.late", "bob.late"]),
                   landed=lambda: "bob.late" not in active(emu, gid["late-m"])))
    # A write answered with a redirect is never re-sent as a GET and counted as done; a 401 logs in again.
    rows(PeopleRow("302 on a user add (never followed as a GET)", "SoftwareOne users", "redirect", gid["redirect"],
                   lambda: emu.swo.add_fault(route=f"POST {SWO_PEOPLE}", kind="redirect", status=302,
                                             location=emu.swo_url, times=1),
                   lambda: people.__setitem__("redirect", [u["dan"], u["eve"]])),
         PeopleRow("401 on a member write (session expired mid-run)", "Symphony members", "login", gid["login"],
                   lambda: emu.symphony.add_fault(route=f"PUT {SYM_PEOPLE}", kind="status", status=401, times=1),
                   lambda: people.__setitem__("login", ["cat.login", "dan.login"])))
    # cat's only group is "moved": moving her to "late" in one up must add before it removes.
    emu.swo.set_user_groups(u["cat"], [gid["moved"]])
    rows(PeopleRow("user moved from their only group to another group of the stack in one up (no fault)",
                   "SoftwareOne users", "moved", gid["moved"], lambda: None,
                   lambda: (people.__setitem__("moved", []),
                            people.__setitem__("late", [u["ann"], u["bob"], u["cat"]]))))
    assert live("late") == {u["ann"], u["bob"], u["cat"]}
