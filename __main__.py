"""The usergroups program: every group the stack's config lists, as a resource, and their outputs."""

import pulumi

from program import stack_config
from program.ledger import PeopleLedger
from providers import SwoUserGroup, SymphonyUserGroup

groups = stack_config.load()  # stops here, naming file, list and entry, if anything is wrong

symphony = {key: SymphonyUserGroup(key, entry.args(), entry.options()) for key, entry in groups.symphony}
swo = {key: SwoUserGroup(key, entry.args(), entry.options()) for key, entry in groups.swo}
# People depend on their group through group_id: `destroy` removes them before the group.
people = {(entry.kind, name, resource_class): resource_class(name, args, opts)
          for made, entries in ((symphony, groups.symphony), (swo, groups.swo))
          for key, entry in entries
          for resource_class, name, args, opts in entry.memberships(made[key].id)}
chosen = stack_config.whole_list_people(people)  # what a directory query chose, as the lists hold it

# Who each entry declares, as the last `up` recorded it: a people key gone from an entry fails preview.
# It depends on everything, so `destroy` deletes it first: it refuses, before any write, a destroy that
# would leave a SoftwareOne user with no group (or a group it cannot delete).
PeopleLedger({key: entry.ledger(chosen.get(("symphonyGroups", key))) for key, entry in groups.symphony},
             {key: {**entry.ledger(chosen.get(("swoGroups", key))), "groupId": swo[key].id}
              for key, entry in groups.swo},
             stack_config.stack_file(),
             pulumi.ResourceOptions(depends_on=[*symphony.values(), *swo.values(), *people.values()]))

sym_entries, swo_entries = dict(groups.symphony), dict(groups.swo)
# Each group with the people its entry declares (members, assignees, users), as spelled; a list a directory
# query chooses is exported as its resource holds it.
pulumi.export("symphonyGroups", {
    key: {"id": g.id, "name": g.name, "type": g.type, "area": g.area, "active": g.active,
          **sym_entries[key].exported_people(chosen.get(("symphonyGroups", key)))}
    for key, g in symphony.items()
})
pulumi.export("swoGroups", {
    key: {"id": g.id, "name": g.name, "accountId": g.account_id, "revision": g.revision, "modules": g.modules,
          **swo_entries[key].exported_people(chosen.get(("swoGroups", key)))}
    for key, g in swo.items()
})
