"""The people engine: who is in a group, written once for every API.

Each API supplies a ``PeopleAdapter`` (look people up, list a group's people, add one, remove one,
optionally replace all); the engine resolves, plans, writes, keeps a list and additive resources
apart, and words the errors. Symphony members, Symphony assignees and SoftwareOne account users
are three adapters of it.
"""

from .adapter import PeopleAdapter, Person, PersonId
from .engine import OnePerson, PeopleList
from .provider import OnePersonProvider, PeopleListProvider, PeopleProvider

__all__ = ["OnePerson", "OnePersonProvider", "PeopleAdapter", "PeopleList", "PeopleListProvider", "PeopleProvider",
           "Person", "PersonId"]
