"""Which account users are in a SoftwareOne group: ``SwoUserGroupMembers`` (the whole list) and
``SwoUserGroupMember`` (one user), the people engine over the ``AccountUsers`` adapter.

The provider classes live here because every stack's state names this module.
"""

from __future__ import annotations

from ..people import OnePersonProvider, PeopleListProvider
from .inputs import SwoUserGroupMemberInputs, SwoUserGroupMembersInputs
from .people import AccountUsers


class SwoUserGroupMembersProvider(PeopleListProvider[SwoUserGroupMembersInputs]):
    """The dynamic provider behind ``SwoUserGroupMembers``. Holds no client, token or session."""

    inputs_model, adapter_class = SwoUserGroupMembersInputs, AccountUsers


class SwoUserGroupMemberProvider(OnePersonProvider[SwoUserGroupMemberInputs]):
    """The dynamic provider behind ``SwoUserGroupMember``. Holds no client, token or session."""

    inputs_model, adapter_class = SwoUserGroupMemberInputs, AccountUsers
