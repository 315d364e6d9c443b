"""The SoftwareOne Marketplace client: one method per user-group endpoint, pydantic in and out."""

from __future__ import annotations

import requests

from ..errors import ProviderError
from ..http import ErrorBody, HttpClient
from . import rql
from .models import CreateUserGroupDto, ProblemDetails, UpdateUserGroupDto, UserGroup, UserGroupList

API_NAME = "SoftwareOne API"
GROUPS = "/public/v1/accounts/user-groups"
PAGE_LIMIT = 100  # the API's maximum
# Fields the platform may leave out by default ($meta.omitted): every output and the
# "still has N users" message need them, so every read asks for them.
SELECT = "+audit,+users"
# Offset paging is only stable under an explicit order; ids are unique and never change.
ORDER = "+id"


class SwoClient:
    """User-group calls against one Marketplace tenant."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def create(self, body: CreateUserGroupDto) -> UserGroup:
        r = self.http.request("POST", f"{GROUPS}?{rql.query('', select=SELECT)}", json=body.body(), ok=(200, 201))
        return UserGroup.model_validate(r.json())

    def get(self, group_id: str) -> UserGroup | None:
        r = self.http.request("GET", f"{GROUPS}/{group_id}?{rql.query('', select=SELECT)}", allow=(404,))
        return None if r.status_code == 404 else UserGroup.model_validate(r.json())

    def update(self, group_id: str, body: UpdateUserGroupDto) -> UserGroup:
        r = self.http.request("PUT", f"{GROUPS}/{group_id}?{rql.query('', select=SELECT)}", json=body.body())
        return UserGroup.model_validate(r.json())

    def delete(self, group_id: str) -> bool:
        """True when deleted now, False when it was already gone."""
        r = self.http.request("DELETE", f"{GROUPS}/{group_id}", ok=(200, 204), allow=(404,))
        return r.status_code != 404

    def list(self, filter_expr: str) -> list[UserGroup]:
        """Every group matching the RQL filter, following ``limit``/``offset`` to the end.

        ``total`` may be null: then paging stops at the first short page.
        """
        groups: list[UserGroup] = []
        seen: set[str] = set()
        offset = 0
        while True:
            q = rql.query(filter_expr, select=SELECT, order=ORDER, limit=PAGE_LIMIT, offset=offset)
            r = self.http.request("GET", f"{GROUPS}?{q}")
            page = UserGroupList.model_validate(r.json())
            fresh = [g for g in page.data if g.id not in seen]
            if page.data and not fresh:
                # Full pages that only repeat what was read: the paging rules broke; stop instead of looping.
                raise ProviderError(f"{API_NAME}: listing {filter_expr or 'groups'} returned page offset={offset} "
                                    f"again with no new group ({len(groups)} read so far); the listing cannot be "
                                    "trusted, try again later")
            seen.update(g.id for g in fresh)
            groups.extend(fresh)
            meta = page.meta.pagination if page.meta else None
            limit = (meta.limit if meta and meta.limit else PAGE_LIMIT)
            offset += len(page.data)
            total = meta.total if meta else None
            if not page.data or (total is not None and offset >= total) or (total is None and len(page.data) < limit):
                return groups

    def in_account(self, account_id: str) -> list[UserGroup]:
        """Every group of the account."""
        return [g for g in self.list(rql.eq("account.id", account_id)) if g.account.id == account_id]

    def find_by_name(self, account_id: str, name: str) -> list[UserGroup]:
        """Groups of the account with exactly this name.

        Asked with ``eq`` (never a wildcard operator), then compared exactly here too:
        a database collation may make ``eq`` ignore case. A name no RQL literal can
        carry (it holds both quote kinds) is found by listing the account.
        """
        if rql.literal(name) is None:
            found = self.in_account(account_id)
        else:
            found = self.list(rql.and_(rql.eq("account.id", account_id), rql.eq("name", name)))
        return [g for g in found if g.account.id == account_id and g.name == name]


def parse_error(response: requests.Response) -> ErrorBody:
    """ProblemDetails into the neutral form; non-JSON bodies keep their first line."""
    try:
        problem = ProblemDetails.model_validate(response.json())
    except ValueError:
        return ErrorBody(title=response.reason or "error", detail=response.text.strip().splitlines()[0][:200] if response.text.strip() else "")
    return ErrorBody(title=problem.title or response.reason or "error", detail=problem.detail or "",
                     field_errors=problem.field_errors(), trace_id=problem.trace_id)
