"""People resources declared one by one from this program's config, as any program may declare them."""

import pulumi

from providers import (
    SwoUserGroupMember,
    SwoUserGroupMemberArgs,
    SymphonyUserGroupMember,
    SymphonyUserGroupMemberArgs,
)

config = pulumi.Config()
for i, m in enumerate(config.get_object("symphonyMembers") or []):
    SymphonyUserGroupMember(f"sym-{i}", SymphonyUserGroupMemberArgs(group_id=m["groupId"], username=m["username"]))
for i, m in enumerate(config.get_object("swoMembers") or []):
    SwoUserGroupMember(f"swo-{i}", SwoUserGroupMemberArgs(account_id=m["accountId"], group_id=m["groupId"],
                                                          user=m["user"]))
