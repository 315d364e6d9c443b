"""The Symphony Pod client: one method per user-group endpoint, pydantic in and out."""

from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence, TypeVar
from urllib.parse import parse_qs, urlsplit

import requests

from ..http import ErrorBody, HttpClient, segment
from ..errors import ProviderError
from .models import (
    ActiveFlag,
    Error,
    UserGroupCreate,
    UserGroupLink,
    UserGroupLinkList,
    UserGroupResponse,
    UserGroupResponseList,
    UserGroupUpdate,
    UserDetail,
    UserFilter,
    UserName,
    UserSearchQuery,
    UserSearchResults,
    UserV2,
    V2UserList,
)

API_NAME = "Symphony API"
GROUPS = "/pod/v2/admin/usergroups"
USERS_LOOKUP = "/pod/v3/users"
USER_SEARCH = "/pod/v1/user/search"
USER_FIND = "/pod/v1/admin/user/find"
FIND_LIMIT = 1000  # Find Users' largest page
T = TypeVar("T")
PAGE_LIMIT = 100
LOOKUP_MAX = 100  # the users lookup takes at most 100 elements per list
LINKS = {"members": "memberships", "assignees": "assignments"}


class SymphonyClient:
    """Compliance user-group calls against one pod."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def create(self, body: UserGroupCreate) -> UserGroupResponse:
        r = self.http.request("POST", GROUPS, json=body.body(), ok=(200, 201))
        return UserGroupResponse.model_validate(r.json())

    def get(self, group_id: str) -> UserGroupResponse | None:
        r = self.http.request("GET", f"{GROUPS}/{segment(group_id)}", allow=(404,))
        return None if r.status_code == 404 else UserGroupResponse.model_validate(r.json())

    def update(self, group_id: str, body: UserGroupUpdate) -> UserGroupResponse:
        r = self.http.request("PUT", f"{GROUPS}/{segment(group_id)}", json=body.body())
        return UserGroupResponse.model_validate(r.json())

    def list(self, type_: str, name: str | None = None, area: str | None = None,
             active: bool | None = None) -> list[UserGroupResponse]:
        """Every group matching the exact-match filters, following the ``next`` cursor to the end."""
        return [g for page in self.pages(type_, name, area, active) for g in page]

    def pages(self, type_: str, name: str | None = None, area: str | None = None,
              active: bool | None = None) -> Iterator[list[UserGroupResponse]]:
        """The groups matching the exact-match filters, a page (one request) at a time, to the end."""
        params: dict[str, str | int] = {"type": type_, "limit": PAGE_LIMIT}
        if name is not None:
            params["name"] = name
        if area is not None:
            params["area"] = area
        if active is not None:
            params["active"] = "true" if active else "false"
        for _ in range(10_000):  # a bound, not a limit anyone should reach
            page = UserGroupResponseList.model_validate(self.http.request("GET", GROUPS, params=params).json())
            yield page.data
            pagination = page.pagination
            if not pagination or not pagination.next:
                return
            after = (pagination.cursors.after if pagination.cursors else None) or _after_from(pagination.next)
            if not after or after == params.get("after"):
                return
            params["after"] = after

    def users(self, usernames: Sequence[str], emails: Sequence[str] = ()) -> list[UserV2]:
        """The pod's own users with these usernames or e-mail addresses, asked in batches of 100 (one
        list per request, as the lookup takes them). Who matches is the caller's to decide: the lookup's
        own comparison is not documented. A 204 is the documented "No user found"."""
        found: list[UserV2] = []
        for field, values in (("username", list(usernames)), ("email", list(emails))):
            for start in range(0, len(values), LOOKUP_MAX):
                batch = values[start:start + LOOKUP_MAX]
                r = self.http.request("GET", USERS_LOOKUP, params={field: ",".join(batch), "local": "true"},
                                      ok=(200, 204))
                if r.status_code == 200 and r.content:
                    found += V2UserList.model_validate(r.json()).users
        return found

    def search_users(self, query: UserSearchQuery) -> list[UserV2]:
        """Every user of this pod that Search Users returns for the filters, ``skip``/``limit`` to the end.
        The search may return inexact matches: the caller compares the fields the answer carries."""
        def page(data: Any) -> tuple[list[UserV2], int | None]:
            results = UserSearchResults.model_validate(data)
            return results.users, results.count
        return self._skipping(USER_SEARCH, query.model_dump(by_alias=True, exclude_none=True), PAGE_LIMIT, page,
                              local="true")

    def find_users(self, user_filter: UserFilter) -> list[UserDetail]:
        """Every user of exactly this role, feature and status (Find Users), ``skip``/``limit`` to the end."""
        return self._skipping(USER_FIND, user_filter.model_dump(exclude_none=True), FIND_LIMIT,
                              lambda data: ([UserDetail.model_validate(d) for d in data or []], None))

    def _skipping(self, path: str, body: Any, limit: int, page: Callable[[Any], tuple[list[T], int | None]],
                  **params: str) -> list[T]:
        """Every item of a ``skip``/``limit`` search (a read sent as a POST), a page at a time, until a short
        page or the ``count`` the answer gives."""
        found: list[T] = []
        while True:
            r = self.http.request("POST", path, params={**params, "skip": len(found), "limit": limit}, json=body,
                                  idempotent=True)
            items, count = page(r.json())
            found += items
            if len(items) < limit or (count is not None and len(found) >= count):
                return found

    def links(self, group_id: str, kind: str, active: bool | None = True,
              user_id: int | None = None) -> list[UserGroupLink] | None:
        """Every membership (``kind="members"``) or assignment (``"assignees"``) of the group, with the
        user expanded, following the ``next`` cursor to the end; ``None`` when the group does not exist."""
        params: dict[str, str | int] = {"limit": PAGE_LIMIT, "expand": "user"}
        if active is not None:
            params["active"] = "true" if active else "false"
        if user_id is not None:
            params["userId"] = user_id
        path = f"{GROUPS}/{segment(group_id)}/{LINKS[kind]}"
        items: list[UserGroupLink] = []
        seen: set[str | None] = set()
        while True:
            r = self.http.request("GET", path, params=params, allow=(404,))
            if r.status_code == 404:
                return None
            page = UserGroupLinkList.model_validate(r.json())
            items += page.data
            pagination = page.pagination
            if not pagination or not pagination.next:
                return items
            after = (pagination.cursors.after if pagination.cursors else None) or _after_from(pagination.next)
            if not after or after in seen:
                # A cursor that does not move on: the paging rules broke; stop instead of looping.
                raise ProviderError(f"{API_NAME}: listing {path} returned the cursor {after!r} again "
                                    f"({len(items)} read so far); the listing cannot be trusted, try again later")
            seen.add(after)
            params["after"] = after

    def set_link(self, group_id: str, kind: str, user_id: int, active: bool) -> None:
        """Adds (``active=True``) or deactivates one member or assignee.

        Both endpoints are documented upserts ("add if it does not exist, otherwise update"),
        so the same request may be sent again after an ambiguous failure.
        """
        self.http.request("PUT", f"{GROUPS}/{segment(group_id)}/{LINKS[kind]}/{segment(user_id)}",
                          json=ActiveFlag(active=active).model_dump(), ok=(200, 201), idempotent=True)

    def replace_members(self, group_id: str, usernames: list[str]) -> None:
        """The listed users become the group's active members; every other member is deactivated.

        A replace is idempotent: sending it again after an ambiguous failure gives the same result.
        """
        self.http.request("PUT", f"{GROUPS}/{segment(group_id)}/memberships",
                          json=[UserName(username=u).model_dump() for u in usernames], idempotent=True)

    def find_by_name(self, type_: str, name: str) -> list[UserGroupResponse]:
        """Groups of this type with exactly this name, active or not."""
        return [g for g in self.list(type_, name=name) if g.name == name and g.type == type_]


def _after_from(next_link: str) -> str | None:
    values = parse_qs(urlsplit(next_link).query).get("after")
    return values[0] if values else None


def parse_error(response: requests.Response) -> ErrorBody:
    """``{code, message}`` into the neutral form."""
    try:
        error = Error.model_validate(response.json())
    except ValueError:
        return ErrorBody(title=response.reason or "error", detail=response.text.strip()[:200])
    return ErrorBody(title=response.reason or "error", detail=error.message or "")


def hint_for(method: str, path: str, status: int) -> str:
    """What to do about a status, where the pod's own message does not say."""
    if status == 403 and path.startswith("/pod/"):
        needed = "VIEW_ROLE_SCOPES" if method == "GET" else "MANAGE_ROLE_SCOPES"
        return f"the service account needs the Scope Management role with {needed}"
    if status == 401 and path.startswith("/login/"):
        return "check the service account's username and that its public key is registered on the pod"
    if status == 401:
        return "the session token was rejected; log in again or use a service account key"
    return ""
