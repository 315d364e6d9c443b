"""Uses `providers` from its own program and reads the usergroups stack through a StackReference."""

import pulumi

from providers import SwoUserGroup, SwoUserGroupArgs

config = pulumi.Config()
groups = pulumi.StackReference(config.require("groupsStack"))
finance = groups.get_output("swoGroups").apply(lambda g: g["finance"])

auditors = SwoUserGroup("auditors", SwoUserGroupArgs(
    account_id=finance.apply(lambda f: f["accountId"]),
    name=finance.apply(lambda f: f"{f['name']} auditors"),
    description=finance.apply(lambda f: f"Audits group {f['id']}"),
    modules=["MOD-1756"],
))
pulumi.export("auditorsId", auditors.id)
pulumi.export("auditorsDescription", auditors.description)
