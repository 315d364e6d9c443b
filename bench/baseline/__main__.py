"""N no-op resources; `bench:count` and `bench:suffix` (for the rename step) come from config."""

import pulumi

from noop_provider import Noop

config = pulumi.Config("bench")
fat = config.get_bool("fat") or False  # carry a user group's properties, to price state size alone
for i in range(int(config.require("count"))):
    Noop(f"r{i:04d}", f"Group {i:04d}{config.get('suffix') or ''}", fat=fat)
