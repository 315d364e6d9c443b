"""Queries ``discover`` may propose in place of a discovered list of people (``--propose-queries``).

A query is proposed only when one filter explains the list exactly: every person of the list shares the
filter's value, and the query, asked as a plan would ask it (active users, matched exactly), answers the
same people, no one more and no one less. Anything less is left a list: a proposal must never change who
is in a group at the next ``up``.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any, Optional

from providers.errors import ProviderError
from providers.fields import ascii_lower
from providers.swo import rql
from providers.swo.people import AccountUsers
from providers.symphony.inputs import SymphonyUserQuery
from providers.symphony.people import SHOWN_FILTERS, PodMembers

# The narrowest first, and only filters whose value the search's answer carries (so it is checked exactly).
SYMPHONY_FILTERS = tuple(f for f in ("title", "location", "company") if f in SHOWN_FILTERS)


def symphony_query(client: Any, connection: str, usernames: list[str]) -> Optional[dict[str, str]]:
    """A one-filter query of the pod's user search whose answer is exactly these members, or ``None``."""
    if not usernames:
        return None
    adapter = PodMembers(client, SimpleNamespace(connection=connection))
    users = client.users(usernames)
    wanted = {ascii_lower(n) for n in usernames}
    for field in SYMPHONY_FILTERS:
        values = Counter(ascii_lower(str(getattr(u, field) or "")) for u in users)
        if len(users) != len(usernames) or len(values) != 1 or "" in values:
            continue
        value = str(getattr(users[0], field))
        try:
            chosen = {ascii_lower(p.shown) for p in adapter.matching(SymphonyUserQuery.model_validate({field: value}))}
        except ProviderError:
            return None
        if chosen == wanted:
            return {field: value}
    return None


def swo_query(client: Any, connection: str, account_id: str, user_ids: list[str]) -> Optional[str]:
    """An RQL query over the account's users (``ilike`` of a shared address domain) whose answer is exactly
    these users, or ``None``."""
    if not user_ids:
        return None
    users = client.account_users(account_id, user_ids, [])
    domains = {(u.address() or "").rpartition("@")[2].lower() for u in users}
    if len(users) != len(user_ids) or len(domains) != 1 or "" in domains:
        return None
    domain = domains.pop()
    if '"' in domain or "*" in domain:
        return None
    query = f'ilike(user.email,"*@{domain}")'
    rql.well_formed(query)
    adapter = AccountUsers(client, SimpleNamespace(connection=connection, account_id=account_id))
    try:
        chosen = {p.id for p in adapter.matching(query)}
    except ProviderError:
        return None
    return query if chosen == set(user_ids) else None
