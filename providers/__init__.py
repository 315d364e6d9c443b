"""User groups as Pulumi resources: ``SymphonyUserGroup`` and ``SwoUserGroup``.

Importing this package has no side effects: it registers no resource, reads no
config and opens no connection, so it is safe in any Pulumi program and in the
dynamic-provider process that unpickles the providers.
"""

from .swo.resource import SwoUserGroup, SwoUserGroupArgs
from .symphony.resource import SymphonyUserGroup, SymphonyUserGroupArgs

__all__ = ["SwoUserGroup", "SwoUserGroupArgs", "SymphonyUserGroup", "SymphonyUserGroupArgs"]
