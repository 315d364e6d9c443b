"""The pod's user directory as its two searches see it (pod-api-public.yaml).

- ``POST /pod/v1/user/search`` ("Search Users") filters by ``title``, ``company``, ``location``,
  ``marketCoverage``, ``responsibility``, ``function`` and ``instrument``. The documentation says it "can
  return inexact matches of the specified criteria", so this emulator returns every user whose value
  *contains* the filter, without regard to case ("London" also finds "London Bridge"): a client that
  needs exact matches must compare the fields the answer carries itself. Only active users are found.
- ``POST /pod/v1/admin/user/find`` ("Find Users") returns "only exact matches" of ``role``, ``feature``
  and ``status``, as ``UserDetail`` records with ``userSystemInfo.status``.

A seeded user may carry ``title``, ``company`` and ``location`` (public ``UserV2`` fields), and in
private keys (``_`` first: never shown by the users lookup) ``_marketCoverage``, ``_responsibility``,
``_function``, ``_instrument`` (lists, as ``UserAttributes`` has them), ``_roles``, ``_features`` and
``_status`` (``ENABLED`` unless said).
"""

from __future__ import annotations

from typing import Any

PUBLIC_FILTERS = ("title", "company", "location")
PRIVATE_FILTERS = ("marketCoverage", "responsibility", "function", "instrument")
SEARCH_DEFAULT_LIMIT = 50  # "If no value is provided, 50 is the default."
FIND_DEFAULT_LIMIT, FIND_MAX_LIMIT = 100, 1000  # "Default is 100 ... must not exceed 1000."


def active(user: dict[str, Any]) -> bool:
    return user.get("_status", "ENABLED") == "ENABLED"


def _values(user: dict[str, Any], name: str) -> list[str]:
    value = user.get(name) if name in PUBLIC_FILTERS else user.get(f"_{name}")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def search_matches(user: dict[str, Any], filters: dict[str, Any]) -> bool:
    """Whether Search Users would return ``user`` for these filters (inexact: a case-blind substring)."""
    if not active(user) or user.get("accountType", "NORMAL") not in (filters.get("accountTypes") or
                                                                      ["NORMAL", "SYSTEM"]):
        return False
    for name in (*PUBLIC_FILTERS, *PRIVATE_FILTERS):
        wanted = filters.get(name)
        if wanted and not any(str(wanted).lower() in v.lower() for v in _values(user, name)):
            return False
    return True


def find_matches(user: dict[str, Any], user_filter: dict[str, Any]) -> bool:
    """Whether Find Users returns ``user``: exact role, feature and status."""
    if user_filter.get("role") and user_filter["role"] not in (user.get("_roles") or ["INDIVIDUAL"]):
        return False
    if user_filter.get("feature") and user_filter["feature"] not in (user.get("_features") or []):
        return False
    return not user_filter.get("status") or user_filter["status"] == user.get("_status", "ENABLED")


def detail(user: dict[str, Any]) -> dict[str, Any]:
    """A ``UserDetail`` of Find Users."""
    attributes = {"emailAddress": user.get("emailAddress"), "firstName": user.get("firstName"),
                  "lastName": user.get("lastName"), "userName": user.get("username"),
                  "displayName": user.get("displayName"), "companyName": user.get("company"),
                  "title": user.get("title"), "location": user.get("location"),
                  "accountType": user.get("accountType")}  # UserAttributes (v1) has no market or function fields
    return {"userAttributes": {k: v for k, v in attributes.items() if v is not None},
            "userSystemInfo": {"id": user["id"], "status": user.get("_status", "ENABLED"), "suspended": False},
            "roles": user.get("_roles") or ["INDIVIDUAL"]}
