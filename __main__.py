"""The usergroups program: every group the stack's config lists, as a resource, and their outputs."""

import pulumi

from program import stack_config
from providers import SwoUserGroup, SwoUserGroupMember, SwoUserGroupMembers, SymphonyUserGroup
from providers.swo.resource import SwoUserGroupMembersArgs

groups = stack_config.load()  # stops here, naming file, list and entry, if anything is wrong

symphony = {key: SymphonyUserGroup(key, entry.args(), entry.options()) for key, entry in groups.symphony}
swo = {key: SwoUserGroup(key, entry.args(), entry.options()) for key, entry in groups.swo}
# Users depend on their group through group_id: `destroy` removes them before it deletes the group.
for key, entry in groups.swo:
    for name, args, opts in entry.memberships(swo[key].id):
        kind = SwoUserGroupMembers if isinstance(args, SwoUserGroupMembersArgs) else SwoUserGroupMember
        kind(name, args, opts)

pulumi.export("symphonyGroups", {
    key: {"id": g.id, "name": g.name, "type": g.type, "area": g.area, "active": g.active}
    for key, g in symphony.items()
})
pulumi.export("swoGroups", {
    key: {"id": g.id, "name": g.name, "accountId": g.account_id, "revision": g.revision, "modules": g.modules}
    for key, g in swo.items()
})
