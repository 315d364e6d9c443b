"""The SoftwareOne Marketplace client: one method per user-group endpoint, pydantic in and out."""

from __future__ import annotations

from typing import Iterator, TypeVar

import requests

from ..errors import ProviderError
from ..http import ErrorBody, HttpClient, segment
from . import rql
from .models import twin_id
from .models import (
    AccountUser,
    AccountUserList,
    CreateUserGroupDto,
    IdRef,
    ListPage,
    ProblemDetails,
    UpdateUserGroupDto,
    UserGroup,
    UserGroupList,
)

API_NAME = "SoftwareOne API"
GROUPS = "/public/v1/accounts/user-groups"
# Membership lives on the account user; the older account-users paths were removed (404).
ACCOUNT_USERS = "/public/v1/accounts/accounts/{account}/users"
LOOKUP_BATCH = 50  # ids or addresses per filtered lookup: keeps the query string short
PAGE_LIMIT = 100  # the API's maximum
# Fields the platform may leave out by default ($meta.omitted): every output and the
# "still has N users" message need them, so every read asks for them.
SELECT = "+audit,+users"
# Offset paging is only stable under an explicit order; ids are unique and never change.
ORDER = "+id"


Item = TypeVar("Item", UserGroup, AccountUser)


class SwoClient:
    """User-group and account-user calls against one Marketplace tenant."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def create(self, body: CreateUserGroupDto) -> UserGroup:
        r = self.http.request("POST", f"{GROUPS}?{rql.query('', select=SELECT)}", json=body.body(), ok=(200, 201))
        return UserGroup.model_validate(r.json())

    def get(self, group_id: str) -> UserGroup | None:
        r = self.http.request("GET", f"{GROUPS}/{segment(group_id)}?{rql.query('', select=SELECT)}",
                              allow=(404,))
        return None if r.status_code == 404 else UserGroup.model_validate(r.json())

    def update(self, group_id: str, body: UpdateUserGroupDto) -> UserGroup:
        r = self.http.request("PUT", f"{GROUPS}/{segment(group_id)}?{rql.query('', select=SELECT)}",
                              json=body.body())
        return UserGroup.model_validate(r.json())

    def delete(self, group_id: str) -> bool:
        """True when deleted now, False when it was already gone."""
        r = self.http.request("DELETE", f"{GROUPS}/{segment(group_id)}", ok=(200, 204), allow=(404,))
        return r.status_code != 404

    def list(self, filter_expr: str) -> list[UserGroup]:
        """Every group matching the RQL filter, following ``limit``/``offset`` to the end."""
        return self._collect(GROUPS, filter_expr, SELECT, UserGroupList, "groups")

    def pages(self, filter_expr: str) -> Iterator[list[UserGroup]]:
        """The groups matching the RQL filter, a page (one request) at a time, to the end."""
        return self._pages(GROUPS, filter_expr, SELECT, UserGroupList, "groups")

    def _collect(self, path: str, filter_expr: str, select: str, page_model: type[ListPage[Item]],
                 what: str) -> list[Item]:
        """Every item of a listing, following ``limit``/``offset`` to the end."""
        return [i for page in self._pages(path, filter_expr, select, page_model, what) for i in page]

    def _pages(self, path: str, filter_expr: str, select: str, page_model: type[ListPage[Item]],
               what: str) -> Iterator[list[Item]]:
        """A listing's items a page at a time, following ``limit``/``offset`` to the end.

        ``total`` may be null: then paging stops at the first short page.
        """
        seen: set[str] = set()
        offset = 0
        while True:
            q = rql.query(filter_expr, select=select, order=ORDER, limit=PAGE_LIMIT, offset=offset)
            r = self.http.request("GET", f"{path}?{q}")
            page = page_model.model_validate(r.json())
            data = page.data
            fresh = [i for i in data if i.id not in seen]
            if data and not fresh:
                # Full pages that only repeat what was read: the paging rules broke; stop instead of looping.
                raise ProviderError(f"{API_NAME}: listing {filter_expr or what} returned page offset={offset} "
                                    f"again with nothing new ({len(seen)} read so far); the listing cannot be "
                                    "trusted, try again later")
            seen.update(i.id for i in fresh)
            yield fresh
            meta = page.meta.pagination if page.meta else None
            limit = (meta.limit if meta and meta.limit else PAGE_LIMIT)
            offset += len(data)
            total = meta.total if meta else None
            if not data or (total is not None and offset >= total) or (total is None and len(data) < limit):
                return

    # -- account users: who is in which group --------------------------------------------
    @staticmethod
    def _users(account_id: str, *rest: str) -> str:
        """The path of an account's users (or below one), every id encoded as one segment."""
        return "/".join([ACCOUNT_USERS.format(account=segment(account_id)), *map(segment, rest)])

    def group_users(self, account_id: str, group_id: str) -> list[AccountUser]:
        """Every user of the account in the group, paged to the end (one filtered listing)."""
        found = self._collect(self._users(account_id), rql.any_("groups", rql.eq("id", group_id)), "+groups",
                              AccountUserList, "users")
        return [u for u in found if any(g.id == group_id for g in u.groups)]

    def account_users(self, account_id: str, ids: list[str], emails: list[str]) -> list[AccountUser]:
        """The account's users these ids or e-mail addresses may name, asked in batches (never one request each).

        The answer may hold more than was asked (a case-insensitive match): the caller compares exactly.
        Ids are asked in both forms the account-users listing may carry (``USR-`` and ``AUSR-``) and as the
        user's own id; addresses with ``ilike`` of their exact text, so no collation decides who matches.
        An address no RQL literal can carry (it holds both quote kinds) is found by listing the account.
        """
        found: list[AccountUser] = []
        for start in range(0, len(ids), LOOKUP_BATCH):
            batch = ids[start:start + LOOKUP_BATCH]
            forms = list(dict.fromkeys(f for i in batch for f in (i, twin_id(i))))
            found += self._collect(self._users(account_id), rql.or_(rql.in_("id", forms), rql.in_("user.id", batch)),
                                   "+groups", AccountUserList, "users")
        carried = [e for e in emails if rql.literal(e) is not None]
        for start in range(0, len(carried), LOOKUP_BATCH):
            terms = [rql.ilike_exact("user.email", e) for e in carried[start:start + LOOKUP_BATCH]]
            found += self._collect(self._users(account_id), rql.or_(*terms), "+groups", AccountUserList, "users")
        if len(carried) < len(emails):
            found += self._collect(self._users(account_id), "", "+groups", AccountUserList, "users")
        return found

    def query_users(self, account_id: str, filter_expr: str) -> list[AccountUser]:
        """Every user of the account the RQL filter matches, paged to the end."""
        return self._collect(self._users(account_id), filter_expr, "+groups", AccountUserList, "users")

    def user(self, account_id: str, user_id: str) -> AccountUser | None:
        r = self.http.request("GET", self._users(account_id, user_id), allow=(404,))
        return None if r.status_code == 404 else AccountUser.model_validate(r.json())

    def add_to_group(self, account_id: str, user_id: str, group_id: str) -> None:
        """Adds one group to the user's groups. Idempotent: a group the user has already is no change."""
        self.http.request("POST", self._users(account_id, user_id, "groups"), json=IdRef(id=group_id).model_dump(),
                          ok=(200, 201), idempotent=True)

    def remove_from_group(self, account_id: str, user_id: str, group_id: str) -> bool:
        """Removes one group from the user's groups; False when the user was not in it (already done).

        Never the replace-all PUT: that would drop the user's other groups.
        """
        r = self.http.request("DELETE", self._users(account_id, user_id, "groups", group_id), ok=(200, 204),
                              allow=(404,))
        return r.status_code != 404

    def in_account(self, account_id: str) -> list[UserGroup]:
        """Every group of the account."""
        return [g for page in self.account_pages(account_id) for g in page]

    def account_pages(self, account_id: str) -> Iterator[list[UserGroup]]:
        """The account's groups, a page (one request) at a time."""
        for page in self.pages(rql.eq("account.id", account_id)):
            yield [g for g in page if g.account.id == account_id]

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
