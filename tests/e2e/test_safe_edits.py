"""Ordinary edits through the real CLI: nothing deletes, shares or leaks a group by surprise."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import yaml

from tests.e2e.conftest import SESSION_TOKEN, SWO_TOKEN, new_project
from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

SWO = "/public/v1/accounts/user-groups"
SYM = "/pod/v2/admin/usergroups"


def writes(emu: Emulators) -> dict[str, int]:
    return {route: n for c in (emu.symphony, emu.swo) for route, n in c.counts().items()
            if n and route.split()[0] in ("POST", "PUT", "DELETE") and "/login/" not in route}


def live_swo(emu: Emulators) -> list[dict]:
    return [g for g in emu.swo.groups() if not g.get("isDefault")]


# 1. A key rename keeps the group.
def test_key_rename_with_former_keys_is_a_move(project: PulumiProject, emu: Emulators):
    project.set_groups(symphony=[symphony_group("it-ops", "IT Ops")], swo=[swo_group("it-ops", "IT Ops")])
    project.up().ok()
    ids = project.state_ids("UserGroup")
    project.set_groups(symphony=[symphony_group("itops", "IT Ops", formerKeys=["it-ops"])],
                       swo=[swo_group("itops", "IT Ops", formerKeys=["it-ops"])])
    preview = project.preview().ok()
    assert "to create" not in preview.stdout and "to delete" not in preview.stdout
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up().ok()
    assert writes(emu) == {} and project.state_ids("UserGroup") == ids
    assert {r["urn"].rsplit("::", 1)[1] for r in project.resources("UserGroup")} == {"itops"}
    project.refresh("--expect-no-changes").ok()


def test_key_rename_with_adopt_never_deletes_the_group(project: PulumiProject, emu: Emulators):
    project.set_groups(symphony=[symphony_group("it-ops", "IT Ops")], swo=[swo_group("it-ops", "IT Ops")])
    project.up().ok()
    (sym_id,), (swo_id,) = [g["id"] for g in emu.symphony.groups()], [g["id"] for g in live_swo(emu)]
    project.set_groups(symphony=[symphony_group("itops", "IT Ops")], swo=[swo_group("itops", "IT Ops")])
    refused = project.up()
    assert refused.returncode != 0 and "already exists" in refused.output
    assert [g["active"] for g in emu.symphony.groups()] == [True] and len(live_swo(emu)) == 1

    project.set_groups(symphony=[symphony_group("itops", "IT Ops", adopt=True)],
                       swo=[swo_group("itops", "IT Ops", adopt=True)])
    moved = project.up().ok()
    assert "not deleting" in moved.output and "took it over in this run" in moved.output
    assert [(g["id"], g["active"]) for g in emu.symphony.groups()] == [(sym_id, True)]
    assert [g["id"] for g in live_swo(emu)] == [swo_id]
    refresh = project.refresh().ok()
    assert "deleted outside Pulumi" not in refresh.output
    assert project.state_ids("UserGroup") == {sym_id, swo_id}
    assert project.outputs()["symphonyGroups"]["itops"]["active"] is True


# 2. A one-character typo fails preview instead of planning to delete everything.
def test_typo_in_the_list_key_fails_preview(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group(f"g{i}", f"Group {i}") for i in range(3)])
    project.up().ok()
    data = yaml.safe_load(project.stack_file.read_text())
    data["config"]["usergroups:swoGroup"] = data["config"].pop("usergroups:swoGroups")
    project.stack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    preview = project.preview()
    assert preview.returncode != 0 and "to delete" not in preview.output
    assert "usergroups:swoGroup: is not a known key; did you mean usergroups:swoGroups?" in preview.output
    assert len(live_swo(emu)) == 3


# 3. Two entries cannot own one group.
def test_two_entries_for_one_group_fail_preview(project: PulumiProject, emu: Emulators):
    project.set_groups(symphony=[symphony_group("a", "Same", adopt=True), symphony_group("b", "Same", adopt=True)])
    preview = project.preview()
    assert preview.returncode != 0 and "stands for the same group as usergroups:symphonyGroups[0] ('a')" in preview.output
    assert writes(emu) == {} and emu.symphony.groups() == []


# 5. A slow commit leaves one group: no second POST, and the next run takes it over.
@pytest.mark.parametrize("resource", ["swo", "symphony"])
def test_slow_commit_leaves_one_group(project: PulumiProject, emu: Emulators, resource):
    control, base = (emu.swo, SWO) if resource == "swo" else (emu.symphony, SYM)
    entry = swo_group("slow", "Slow Team") if resource == "swo" else symphony_group("slow", "Slow Scope")
    project.set_groups(**{resource: [entry]})
    data = yaml.safe_load(project.stack_file.read_text())
    data["config"][f"{resource}:readTimeout"] = "1"
    project.stack_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    control.add_fault(route=f"POST {base}", kind="hold", delay=60, times=1)  # commits once released
    first = project.up()
    assert first.returncode != 0 and "no second create was sent" in first.output
    assert control.counts()[f"POST {base}"] == 1
    # Once the server has committed, the next run takes that group over: still one group, no new POST.
    import time
    assert control.release() == 1
    deadline = time.time() + 30
    while not [g for g in control.groups() if not g.get("isDefault")] and time.time() < deadline:
        time.sleep(0.2)
    second = project.up().ok()
    assert "unanswered create" in second.output
    groups = [g for g in control.groups() if not g.get("isDefault")]
    assert len(groups) == 1 and project.state_ids("UserGroup") == {groups[0]["id"]}
    assert control.counts()[f"POST {base}"] == 1


# 6. Credentials stay with their host.
class Recorder(ThreadingHTTPServer):
    """Another host on loopback that records what it was sent."""

    def __init__(self) -> None:
        self.seen: list[dict[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                recorder.seen.append({k.lower(): v for k, v in self.headers.items()})
                body = b'{"data": [], "$meta": {"pagination": {"offset": 0, "limit": 100, "total": 0}}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.server_address[1]}"  # another origin than 127.0.0.1:<api port>


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    r = Recorder()
    threading.Thread(target=r.serve_forever, daemon=True).start()
    yield r
    r.shutdown()


@pytest.mark.parametrize("resource", ["swo", "symphony"])
def test_redirect_to_another_host_carries_no_credential(token_project: PulumiProject, emu: Emulators, recorder,
                                                        resource):
    control, base = (emu.swo, SWO) if resource == "swo" else (emu.symphony, SYM)
    entry = swo_group("r", "Redirected") if resource == "swo" else symphony_group("r", "Redirected")
    token_project.set_groups(**{resource: [entry]})
    control.add_fault(route=f"GET {base}", kind="redirect", location=recorder.url)
    result = token_project.up()
    control.clear_faults()
    assert recorder.seen, result.output[-2000:]
    for headers in recorder.seen:
        assert "authorization" not in headers and "sessiontoken" not in headers, headers
    text = result.output
    assert SWO_TOKEN not in text and SESSION_TOKEN not in text


# 7. A rotated credential works for refresh and destroy.
def test_rotated_credentials_from_the_environment_for_refresh_and_destroy(token_project: PulumiProject,
                                                                         emu: Emulators):
    token_project.set_groups(symphony=[symphony_group("s", "Rotated Scope")], swo=[swo_group("w", "Rotated Team")])
    token_project.up().ok()
    new_swo, new_session = SWO_TOKEN + "-rotated", SESSION_TOKEN + "-rotated"
    emu.swo.set_tokens([new_swo])
    emu.symphony.set_tokens([new_session])
    stale = token_project.refresh()
    assert stale.returncode != 0 and "401" in stale.output  # the stored credentials no longer work
    env = {"SWO_API_TOKEN": new_swo, "SYMPHONY_SESSION_TOKEN": new_session}
    token_project.refresh("--expect-no-changes", env=env).ok()
    token_project.destroy(env=env).ok()
    assert live_swo(emu) == [] and [g["active"] for g in emu.symphony.groups()] == [False]


# 8. An update of a group deleted outside Pulumi says what to do.
def test_update_after_an_outside_delete_says_refresh(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("w", "Team")])
    project.up().ok()
    (g,) = live_swo(emu)
    emu.swo.remove_group(g["id"])
    project.set_groups(swo=[swo_group("w", "Team", description="changed")])
    result = project.up()
    assert result.returncode != 0 and "deleted outside Pulumi: run `pulumi refresh`" in result.output
