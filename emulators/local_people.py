"""The people of the local stack (``stacks/Pulumi.local.yaml``), seeded once into fresh emulators.

``python -m emulators.local_people <symphony url> <swo url> <data dir>`` seeds them unless the data
folder says it was done; tests call ``seed`` directly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .control import EmulatorControl

POD_USERS = ["alice.smith", "bob.jones", "carol.officer", "dave.brown"]
ACCOUNT = "ACC-1234-5678"
ACCOUNT_USERS = [{"id": "USR-1234-0001", "email": "kim.lee@contoso.com", "name": "Kim Lee"},
                 {"id": "USR-1234-0002", "email": "jane.doe@contoso.com", "name": "Jane Doe"}]
MARK = "local-people-seeded"


def seed(symphony: EmulatorControl, swo: EmulatorControl) -> None:
    """Pod users and account users the local stack names in its members, assignees and users."""
    symphony.seed_pod_users(POD_USERS)
    swo.seed_users(ACCOUNT, ACCOUNT_USERS)


def main(argv: list[str]) -> int:
    symphony_url, swo_url, data_dir = argv
    mark = Path(data_dir) / MARK
    if mark.exists():
        return 0
    seed(EmulatorControl(symphony_url), EmulatorControl(swo_url))
    mark.write_text("the local stack's people are in these emulators' state\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
