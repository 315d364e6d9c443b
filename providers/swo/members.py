"""Which account users are in a SoftwareOne group: ``SwoUserGroupMembers`` (the whole list) and
``SwoUserGroupMember`` (one user), the people engine over the ``AccountUsers`` adapter.

The provider classes live here because every stack's state names this module.
"""

from __future__ import annotations

from typing import Any

from ..errors import ConfigError
from ..people import OnePersonProvider, PeopleListProvider
from .inputs import SwoUserGroupMemberInputs, SwoUserGroupMembersInputs
from .people import AccountUsers
from .provider import connect, connection_problems

LIST_AND_ADD = ("both a whole user list (SwoUserGroupMembers) and additive users (SwoUserGroupMember) in this "
                "stack: the list would remove the added users at every update. Put the users in the list, or "
                "manage the group with additive users only")


class _AccountPeople:
    """The tenant of every SoftwareOne people provider: one account of one connection."""

    _config: Any
    conflict = LIST_AND_ADD

    def adapter(self, inputs: Any) -> AccountUsers:
        return AccountUsers(connect(inputs.connection, self._config), inputs.connection, inputs.account_id)

    def connection_problems(self, namespace: str) -> list[ConfigError]:
        return connection_problems(namespace, self._config)


class SwoUserGroupMembersProvider(_AccountPeople, PeopleListProvider[SwoUserGroupMembersInputs]):
    """The dynamic provider behind ``SwoUserGroupMembers``. Holds no client, token or session."""

    kind = "SoftwareOne group users"
    inputs_model = SwoUserGroupMembersInputs
    people_field = "users"


class SwoUserGroupMemberProvider(_AccountPeople, OnePersonProvider[SwoUserGroupMemberInputs]):
    """The dynamic provider behind ``SwoUserGroupMember``. Holds no client, token or session."""

    kind = "SoftwareOne group user"
    inputs_model = SwoUserGroupMemberInputs
    people_field = "user"
    natural_key_hint = "group and user"
