"""SymphonyUserGroup through the real pulumi CLI against the Symphony emulator, in both auth modes."""

from __future__ import annotations

import pytest

from tests.harness import Emulators, PulumiProject, symphony_group

GROUPS = "/pod/v2/admin/usergroups"
LOGIN = "POST /login/pubkey/authenticate"


def writes(emu: Emulators) -> int:
    return sum(n for route, n in emu.symphony.counts().items() if route.startswith(("POST /pod", "PUT")))


@pytest.fixture(params=["rsa", "token"])
def any_project(request, project: PulumiProject, token_project: PulumiProject) -> PulumiProject:
    return project if request.param == "rsa" else token_project


def test_lifecycle_in_both_auth_modes(any_project: PulumiProject, emu: Emulators):
    p = any_project
    p.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", area="EMEA", description="EMEA COs")])
    p.up().ok()
    (g,) = emu.symphony.groups()
    assert (g["name"], g["type"], g["area"], g["active"]) == ("EMEA Compliance", "ROLE_SCOPE", "EMEA", True)
    out = p.outputs()["symphonyGroups"]["emea"]
    assert out == {"id": g["id"], "name": "EMEA Compliance", "type": "ROLE_SCOPE", "area": "EMEA", "active": True}
    counts = emu.symphony.counts()
    assert counts.get(f"POST {GROUPS}") == 1
    assert counts.get(LOGIN, 0) == (1 if p is not None and "botUsername" in p.stack_file.read_text() else 0)

    emu.symphony.reset_counts()
    p.up().ok()
    assert emu.symphony.total() == 0, emu.symphony.counts()
    if "botUsername" not in p.stack_file.read_text():
        # After the login the two modes are one code path: the rest of the lifecycle runs with the RSA key.
        p.destroy().ok()
        assert [x["active"] for x in emu.symphony.groups()] == [False]
        return

    # Rename in place.
    p.set_groups(symphony=[symphony_group("emea", "EMEA Compliance Officers", area="EMEA", description="EMEA COs")])
    p.up().ok()
    (g2,) = emu.symphony.groups()
    assert g2["id"] == g["id"] and g2["name"] == "EMEA Compliance Officers"
    assert emu.symphony.counts().get(f"PUT {GROUPS}/{{groupId}}") == 1

    # Drift made on the pod shows in refresh; up puts it back.
    emu.symphony.change_group(g["id"], area="Changed by an admin")
    p.refresh().ok()
    assert "Changed by an admin" in p.preview("--diff").ok().output
    p.up().ok()
    assert emu.symphony.groups()[0]["area"] == "EMEA"

    # Destroy deactivates; a later up reactivates the same group instead of creating a twin.
    p.destroy().ok()
    (g3,) = emu.symphony.groups()
    assert g3["id"] == g["id"] and g3["active"] is False
    emu.symphony.reset_counts()
    p.up().ok()
    groups = emu.symphony.groups()
    assert [(x["id"], x["active"]) for x in groups] == [(g["id"], True)]
    assert emu.symphony.counts().get(f"POST {GROUPS}", 0) == 0
    assert p.outputs()["symphonyGroups"]["emea"]["id"] == g["id"]


def test_type_change_replaces(project: PulumiProject, emu: Emulators):
    project.set_groups(symphony=[symphony_group("g", "Scoped")])
    project.up().ok()
    old = emu.symphony.groups()[0]["id"]
    project.set_groups(symphony=[symphony_group("g", "Scoped", type="CEP_VISIBILITY_GROUP")])
    result = project.up().ok()
    assert "replaced" in result.stdout
    assert "not documented" not in result.output  # CEP_VISIBILITY_GROUP is in the API's enum
    by_id = {g["id"]: g for g in emu.symphony.groups()}
    assert by_id[old]["active"] is False
    (new,) = [g for g in by_id.values() if g["id"] != old]
    assert new["type"] == "CEP_VISIBILITY_GROUP" and new["active"] is True


def test_undocumented_type_warns_at_preview_and_the_api_refuses_it(project: PulumiProject, emu: Emulators):
    project.set_groups(symphony=[symphony_group("g", "Scoped", type="FUTURE_TYPE")])
    preview = project.preview().ok()
    assert "not documented" in preview.output and "FUTURE_TYPE" in preview.output
    result = project.up()
    assert result.returncode != 0 and "type: must be one of" in result.output
    assert emu.symphony.groups() == []


def test_existing_active_group_needs_adopt(project: PulumiProject, emu: Emulators):
    seeded = emu.symphony.seed_group(name="Pre-existing", type="ROLE_SCOPE", area="X")
    project.set_groups(symphony=[symphony_group("pre", "Pre-existing", area="Y")])
    refused = project.up()
    assert refused.returncode != 0 and seeded["id"] in refused.output and "adopt" in refused.output
    project.set_groups(symphony=[symphony_group("pre", "Pre-existing", area="Y", adopt=True)])
    project.up().ok()
    (g,) = emu.symphony.groups()
    assert g["id"] == seeded["id"] and g["area"] == "Y"


def test_bad_input_fails_at_preview_without_requests(project: PulumiProject, emu: Emulators):
    project.set_groups(symphony=[symphony_group("blank", "   ")])
    emu.symphony.reset_counts()
    result = project.preview()
    assert result.returncode != 0 and "name" in result.output and "whitespace" in result.output
    assert emu.symphony.total() == 0
