"""One group with `bench:count` people from `bench:first` on (`bench:kind`: symphony or swo); none with
`bench:people` false. The people are those `python -m bench` seeded: usernames `member.NNNNN`, or
account users `USR-0000-NNNN`. With `bench:query` true, the group's people are a directory query's
instead (`bench.queries`: the pod's London users of Bench Corp, or the account's users at bench.example)."""

import pulumi

from providers import (
    SwoUserGroup,
    SwoUserGroupArgs,
    SwoUserGroupMembers,
    SwoUserGroupMembersArgs,
    SymphonyUserGroup,
    SymphonyUserGroupArgs,
    SymphonyUserGroupMembers,
    SymphonyUserGroupMembersArgs,
)

config = pulumi.Config("bench")
count, first = int(config.require("count")), int(config.get("first") or 0)
with_people = config.get_bool("people") is not False
by_query = config.get_bool("query") is True
if config.require("kind") == "symphony":
    group = SymphonyUserGroup("big", SymphonyUserGroupArgs(name="Everyone"))
    if by_query:
        SymphonyUserGroupMembers("big", SymphonyUserGroupMembersArgs(
            group_id=group.id, query={"company": "Bench Corp", "location": "London"}, max_removals=count))
    elif with_people:
        SymphonyUserGroupMembers("big", SymphonyUserGroupMembersArgs(
            group_id=group.id, usernames=[f"member.{i:05d}" for i in range(first, first + count)]))
else:
    group = SwoUserGroup("big", SwoUserGroupArgs(account_id="ACC-1234-5678", name="Everyone", modules=["MOD-1756"]))
    if by_query:
        SwoUserGroupMembers("big", SwoUserGroupMembersArgs(
            account_id="ACC-1234-5678", group_id=group.id, query='ilike(user.email,"*@bench.example")',
            max_removals=count))
    elif with_people:
        SwoUserGroupMembers("big", SwoUserGroupMembersArgs(
            account_id="ACC-1234-5678", group_id=group.id,
            users=[f"USR-{i // 10000:04d}-{i % 10000:04d}" for i in range(first, first + count)]))
