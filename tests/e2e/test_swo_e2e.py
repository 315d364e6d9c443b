"""SwoUserGroup through the real pulumi CLI against the SoftwareOne emulator."""

from __future__ import annotations

from tests.harness import Emulators, PulumiProject, swo_group

GROUPS = "/public/v1/accounts/user-groups"


def managed(emu: Emulators) -> list[dict]:
    return [g for g in emu.swo.groups() if not g.get("isDefault")]


def writes(emu: Emulators) -> int:
    return sum(n for route, n in emu.swo.counts().items() if not route.startswith("GET"))


def test_lifecycle_create_noop_rename_drift_destroy(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("ops", "Operations", description="Ops team", buyers=["BUY-1234-5678"])])
    project.up().ok()
    groups = managed(emu)
    assert [(g["name"], g["revision"]) for g in groups] == [("Operations", 1)]
    out = project.outputs()["swoGroups"]["ops"]
    assert out["id"] == groups[0]["id"] and out["revision"] == 1 and isinstance(out["revision"], int)
    assert emu.swo.counts().get(f"POST {GROUPS}") == 1

    # A second up changes nothing and sends no request at all.
    emu.swo.reset_counts()
    result = project.up().ok()
    assert emu.swo.total() == 0, emu.swo.counts()
    assert "1 created" not in result.stdout and "updated" not in result.stdout

    # Renaming updates in place and bumps revision.
    project.set_groups(swo=[swo_group("ops", "Operations Team", description="Ops team", buyers=["BUY-1234-5678"])])
    project.up().ok()
    (g,) = managed(emu)
    assert g["id"] == out["id"] and g["name"] == "Operations Team" and g["revision"] == 2
    assert project.outputs()["swoGroups"]["ops"]["revision"] == 2
    assert emu.swo.counts().get(f"PUT {GROUPS}/{{id}}") == 1

    # A change made on the emulator shows up in refresh, and up puts it back.
    emu.swo.change_group(g["id"], description="changed in the portal")
    project.refresh().ok()
    preview = project.preview("--diff").ok()
    assert "changed in the portal" in preview.output
    project.up().ok()
    assert managed(emu)[0]["description"] == "Ops team"

    emu.swo.reset_counts()
    project.destroy().ok()
    assert managed(emu) == []
    assert emu.swo.counts().get(f"DELETE {GROUPS}/{{id}}") == 1


def test_list_order_is_not_a_change(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("g", "G", modules=["MOD-1756", "MOD-1001"])])
    project.up().ok()
    project.set_groups(swo=[swo_group("g", "G", modules=["MOD-1001", "MOD-1756"])])
    emu.swo.reset_counts()
    project.up().ok()
    assert writes(emu) == 0


def test_account_change_replaces(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("g", "Moving", account="ACC-1111-1111")])
    project.up().ok()
    old = managed(emu)[0]["id"]
    project.set_groups(swo=[swo_group("g", "Moving", account="ACC-2222-2222")])
    result = project.up().ok()
    assert "replaced" in result.stdout
    (g,) = managed(emu)
    assert g["id"] != old and g["account"]["id"] == "ACC-2222-2222"
    assert project.outputs()["swoGroups"]["g"]["id"] == g["id"]


def test_deleted_outside_is_dropped_by_refresh_and_recreated(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("g", "Ephemeral")])
    project.up().ok()
    gid = managed(emu)[0]["id"]
    emu.swo.remove_group(gid)
    refresh = project.refresh().ok()
    assert "deleted outside Pulumi" in refresh.output
    assert project.state_ids("swo:UserGroup") == set()
    project.up().ok()
    (g,) = managed(emu)
    assert g["id"] != gid and project.state_ids("swo:UserGroup") == {g["id"]}


def test_adopt_takes_over_existing_group(project: PulumiProject, emu: Emulators):
    seeded = emu.swo.seed_group(name="Legacy", account={"id": "ACC-1234-5678"}, modules=[{"id": "MOD-1001"}])
    project.set_groups(swo=[swo_group("legacy", "Legacy", modules=["MOD-1756"])])
    refused = project.up()
    assert refused.returncode != 0
    assert "already exists" in refused.output and seeded["id"] in refused.output and "adopt" in refused.output
    assert len(managed(emu)) == 1

    project.set_groups(swo=[swo_group("legacy", "Legacy", modules=["MOD-1756"], adopt=True)])
    preview = project.preview().ok()  # says what the takeover will change, before anything is written
    assert f"({seeded['id']}) will change: modules: ['MOD-1001'] -> ['MOD-1756']" in preview.output, preview.output
    project.up().ok()
    (g,) = managed(emu)
    assert g["id"] == seeded["id"] and [m["id"] for m in g["modules"]] == ["MOD-1756"]
    assert project.state_ids("swo:UserGroup") == {seeded["id"]}


def test_bad_input_fails_at_preview_without_requests(project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("bad", "Bad", account="ACC-12-34")])
    emu.swo.reset_counts()
    result = project.preview()
    assert result.returncode != 0
    assert "accountId" in result.output and "ACC-" in result.output
    assert emu.swo.total() == 0
