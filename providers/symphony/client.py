"""The Symphony Pod client: one method per user-group endpoint, pydantic in and out."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from ..http import ErrorBody, HttpClient
from .models import Error, UserGroupCreate, UserGroupResponse, UserGroupResponseList, UserGroupUpdate

API_NAME = "Symphony API"
GROUPS = "/pod/v2/admin/usergroups"
PAGE_LIMIT = 100


class SymphonyClient:
    """Compliance user-group calls against one pod."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def create(self, body: UserGroupCreate) -> UserGroupResponse:
        r = self.http.request("POST", GROUPS, json=body.body(), ok=(200, 201))
        return UserGroupResponse.model_validate(r.json())

    def get(self, group_id: str) -> UserGroupResponse | None:
        r = self.http.request("GET", f"{GROUPS}/{group_id}", allow=(404,))
        return None if r.status_code == 404 else UserGroupResponse.model_validate(r.json())

    def update(self, group_id: str, body: UserGroupUpdate) -> UserGroupResponse:
        r = self.http.request("PUT", f"{GROUPS}/{group_id}", json=body.body())
        return UserGroupResponse.model_validate(r.json())

    def list(self, type_: str, name: str | None = None, area: str | None = None,
             active: bool | None = None) -> list[UserGroupResponse]:
        """Every group matching the exact-match filters, following the ``next`` cursor to the end."""
        params: dict[str, str | int] = {"type": type_, "limit": PAGE_LIMIT}
        if name is not None:
            params["name"] = name
        if area is not None:
            params["area"] = area
        if active is not None:
            params["active"] = "true" if active else "false"
        groups: list[UserGroupResponse] = []
        for _ in range(10_000):  # a bound, not a limit anyone should reach
            page = UserGroupResponseList.model_validate(self.http.request("GET", GROUPS, params=params).json())
            groups.extend(page.data)
            pagination = page.pagination
            if not pagination or not pagination.next:
                return groups
            after = (pagination.cursors.after if pagination.cursors else None) or _after_from(pagination.next)
            if not after or after == params.get("after"):
                return groups
            params["after"] = after
        return groups

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
