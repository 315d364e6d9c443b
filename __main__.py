"""The usergroups program: every group the stack's config lists, as a resource, and their outputs."""

import pulumi

from program import guards, stack_config
from providers import SwoUserGroup, SymphonyUserGroup

groups = stack_config.load()  # stops here, naming file, list and entry, if anything is wrong

symphony = {key: SymphonyUserGroup(key, entry.args(), entry.options()) for key, entry in groups.symphony}
swo = {key: SwoUserGroup(key, entry.args(), entry.options()) for key, entry in groups.swo}
# People depend on their group through group_id: `destroy` removes them before the group.
for made, entries in ((symphony, groups.symphony), (swo, groups.swo)):
    for key, entry in entries:
        for resource_class, name, args, opts in entry.memberships(made[key].id):
            resource_class(name, args, opts)

# Each group with the people its entry declares (members, assignees, users), as spelled. The last
# update's exports are what the guard compares with: a people key gone from an entry fails preview.
passed = guards.guard(guards.previous_exports(), groups.symphony, groups.swo, stack_config.stack_file())
sym_people = {key: entry.exported_people() for key, entry in groups.symphony}
swo_people = {key: entry.exported_people() for key, entry in groups.swo}
pulumi.export("symphonyGroups", guards.after(passed, {
    key: {"id": g.id, "name": g.name, "type": g.type, "area": g.area, "active": g.active, **sym_people[key]}
    for key, g in symphony.items()
}))
pulumi.export("swoGroups", guards.after(passed, {
    key: {"id": g.id, "name": g.name, "accountId": g.account_id, "revision": g.revision, "modules": g.modules,
          **swo_people[key]}
    for key, g in swo.items()
}))
