"""One program, two tenants of each API: `connection` picks the config namespace per group."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SWO_TOKEN
from tests.harness import Emulators, PulumiProject, make_bot_key, swo_group, symphony_group

EU_TOKEN = "idt:TKN-2222-3333:second-tenant-token"


@pytest.fixture(scope="module")
def second(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tenant2")
    bot = make_bot_key(folder / "keys", "apac-bot")
    emu = Emulators(folder / "emu", bot, EU_TOKEN, "apac-session").start()
    yield emu, bot
    emu.stop()


def test_groups_reach_their_own_tenant(project: PulumiProject, emu: Emulators, second):
    other, other_bot = second
    other.reset()
    project.configure(
        {"symphony:podUrl": emu.symphony_url, "symphony:botUsername": "pulumi-bot", "swo:apiUrl": emu.swo_url,
         "pod-apac:podUrl": other.symphony_url, "pod-apac:botUsername": other_bot.username,
         "pod-apac:botPrivateKeyPath": str(other_bot.private_path), "swo-eu:apiUrl": other.swo_url,
         "usergroups:symphonyGroups": [symphony_group("home", "Home scope"),
                                       symphony_group("apac", "APAC scope", connection="pod-apac")],
         "usergroups:swoGroups": [swo_group("home", "Home team"), swo_group("eu", "EU team", connection="swo-eu")]},
        {"swo-eu:apiToken": EU_TOKEN})
    project.up().ok()
    assert [g["name"] for g in emu.symphony.groups()] == ["Home scope"]
    assert [g["name"] for g in other.symphony.groups()] == ["APAC scope"]
    assert [g["name"] for g in emu.swo.groups() if not g["isDefault"]] == ["Home team"]
    assert [g["name"] for g in other.swo.groups() if not g["isDefault"]] == ["EU team"]
    assert SWO_TOKEN != EU_TOKEN  # each emulator accepts only its own tenant's token

    # Moving a group to the other tenant replaces it there and removes it here.
    project.set_groups(swo=[swo_group("home", "Home team", connection="swo-eu"),
                            swo_group("eu", "EU team", connection="swo-eu")])
    assert "replaced" in project.up().ok().stdout
    assert [g for g in emu.swo.groups() if not g["isDefault"]] == []
    assert sorted(g["name"] for g in other.swo.groups() if not g["isDefault"]) == ["EU team", "Home team"]
    project.destroy().ok()
    assert [g for g in other.swo.groups() if not g["isDefault"]] == []
