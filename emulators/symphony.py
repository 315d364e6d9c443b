"""The Symphony Pod user-group API (Restricted Pod API 20.17.1) and its RSA login."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt

from . import pod_directory
from .server import EmulatedApi, Request, Response, Route
from .store import DocumentStore
from .validation import SpecValidator

GROUPS = "/pod/v2/admin/usergroups"
USERS_LOOKUP = "/pod/v3/users"
USER_SEARCH = "/pod/v1/user/search"
USER_FIND = "/pod/v1/admin/user/find"
LOOKUP_MAX = 100  # "Search lists may contain up to 100 elements"
DIRECTORY_KEYS = {*pod_directory.PUBLIC_FILTERS, *(f"_{f}" for f in pod_directory.PRIVATE_FILTERS), "_roles",
                  "_features", "_status"}
USER_KIND = "user"  # marks user documents in the shared store
ASCII_LOWER = {ord(c): ord(c) + 32 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
LOOKUP_CASE = {"ascii": lambda v: v.translate(ASCII_LOWER), "fold": str.casefold, "exact": lambda v: v}
MAX_JWT_LIFETIME = 300  # seconds: Symphony rejects a JWT whose exp is more than 5 minutes ahead
CLOCK_SKEW = 5


class SymphonyApi(EmulatedApi):
    """Stateful Symphony pod: ``/login/pubkey/authenticate`` plus the compliance user-group family.

    Settings (``POST /_emulator/settings``): ``unique_names`` (reject a second group
    with the same type and name; the API does not document it, so off by default,
    which is the stricter test of a client), ``page_size`` (default page size),
    ``max_page_size``, ``session_ttl`` (seconds a session token lives),
    ``group_types`` (the ``type`` values accepted: the API's documented enum,
    ``ROLE_SCOPE`` and ``CEP_VISIBILITY_GROUP``; anything else is a 400), ``lookup_case``
    (how the users lookup compares usernames and addresses, which the API does not document:
    ``ascii`` without ASCII case, ``fold`` with full Unicode case folding, as a loose collation
    would, ``exact``; every user that matches is returned).

    Strict where the spec is: a login without a token is a 401, ``limit`` below 1 and
    a cursor the pod did not issue are 400s (never silently page one).
    """

    name = "symphony"
    spec_file = "symphony-usergroups.openapi.json"

    def __init__(
        self,
        store: DocumentStore,
        bots: dict[str, str] | None = None,
        session_tokens: list[str] | None = None,
        latency_ms: float = 0.0,
    ) -> None:
        super().__init__(store, latency_ms)
        self.bots: dict[str, str] = dict(bots or {})  # username -> PEM public key
        self.static_tokens: set[str] = set(session_tokens or [])
        self._initial_tokens = set(self.static_tokens)
        self._sessions: dict[str, tuple[str, float]] = {}  # token -> (username, expiry)
        self._sessions_lock = threading.Lock()
        self.validator = SpecValidator(self.spec_file)
        self.settings: dict[str, Any] = {"unique_names": False, "page_size": 50, "max_page_size": 100,
                                         "session_ttl": 3600, "group_types": ["ROLE_SCOPE", "CEP_VISIBILITY_GROUP"],
                                         "lookup_case": "ascii"}

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/login/pubkey/authenticate", self.authenticate_bot),
            Route("POST", GROUPS, self.create_group),
            Route("GET", GROUPS, self.list_groups),
            Route("GET", GROUPS + "/{groupId}", self.get_group),
            Route("PUT", GROUPS + "/{groupId}", self.update_group),
            Route("GET", USERS_LOOKUP, self.lookup_users),
            Route("POST", USER_SEARCH, self.search_users),
            Route("POST", USER_FIND, self.find_users),
            Route("GET", GROUPS + "/{groupId}/memberships", self.list_memberships),
            Route("PUT", GROUPS + "/{groupId}/memberships", self.replace_memberships),
            Route("PUT", GROUPS + "/{groupId}/memberships/{userId}", self.upsert_membership),
            Route("GET", GROUPS + "/{groupId}/assignments", self.list_assignments),
            Route("PUT", GROUPS + "/{groupId}/assignments/{userId}", self.upsert_assignment),
        ]

    def error(self, status: int, message: str, **extra: Any) -> Response:
        return Response(status, {"code": status, "message": message})

    def reset_state(self) -> None:
        super().reset_state()
        self.static_tokens = set(self._initial_tokens)

    # -- auth -------------------------------------------------------------------------
    def authenticate(self, request: Request, route: Route) -> Response | None:
        if route.template.startswith("/login/"):
            return None
        token = request.headers.get("sessiontoken")
        if not token:
            return self.error(401, "Invalid session")
        if token in self.static_tokens:
            return None
        with self._sessions_lock:
            session = self._sessions.get(token)
            if session is None or session[1] < time.time():
                self._sessions.pop(token, None)
                return self.error(401, "Invalid session")
        return None

    def authenticate_bot(self, request: Request) -> Response:
        body = request.json() or {}
        token = body.get("token")
        if not isinstance(token, str) or not token:
            return self.error(401, "Invalid user or signature")
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
            username = claims.get("sub")
            key = self.bots.get(username or "")
            if key is None:
                return self.error(401, "Invalid user or signature")
            claims = jwt.decode(token, key, algorithms=["RS512"], options={"require": ["exp", "sub"]}, leeway=CLOCK_SKEW)
        except jwt.PyJWTError:
            return self.error(401, "Invalid user or signature")
        if claims["exp"] > time.time() + MAX_JWT_LIFETIME + CLOCK_SKEW:
            return self.error(401, "JWT expiration must be at most 5 minutes ahead")
        session = secrets.token_hex(32)
        with self._sessions_lock:
            self._sessions[session] = (username, time.time() + float(self.settings["session_ttl"]))
        # authorizationToken is the pod's (beta) common JWT; Pod APIs keep taking the session token.
        return Response(200, {"name": "sessionToken", "token": session,
                              "authorizationToken": f"eyJ{secrets.token_urlsafe(48)}"})

    def expire_sessions(self) -> int:
        """Ends every login session (not the static tokens), as a pod does when they time out."""
        with self._sessions_lock:
            n = len(self._sessions)
            self._sessions.clear()
        return n

    # -- validation -------------------------------------------------------------------
    def validate(self, request: Request, route: Route) -> Response | None:
        if route.template.startswith("/login/"):
            return None  # the login answers 401 for any bad request body, as the spec says
        errors = self.validator.validate(request.method, request.path, request.query, request.headers, request.body)
        if errors:
            return self.error(400, "; ".join(f"{e.field}: {e.message}" for e in errors))
        return None

    # -- user groups ------------------------------------------------------------------
    def create_group(self, request: Request) -> Response:
        body = request.json()
        if not str(body.get("name", "")).strip():
            return self.error(400, "name: must not be blank")
        if body.get("type") not in self.settings["group_types"]:
            return self.error(400, f"type: must be one of {', '.join(self.settings['group_types'])}")
        now = _now_ms()
        with self.store.lock:
            if self.settings["unique_names"] and any(
                g["type"] == body["type"] and g["name"] == body["name"] for g in self._groups()
            ):
                return self.error(400, f"A user group named {body['name']!r} of type {body['type']} already exists")
            group = {
                "id": self._new_id(),
                "name": body["name"],
                "type": body["type"],
                "active": True,
                "createdDate": now,
                "modifiedDate": now,
                "memberCount": 0,
                "assigneeCount": 0,
            }
            for key in ("area", "description"):
                if body.get(key) is not None:
                    group[key] = body[key]
            self.store.put(group["id"], group)
        return Response(201, _view(group))

    def get_group(self, request: Request) -> Response:
        group = self._group(request.path_params["groupId"])
        if group is None:
            return self.error(404, "User group not found")
        return Response(200, _view(group))

    def update_group(self, request: Request) -> Response:
        body = request.json()
        if "name" in body and not str(body["name"]).strip():
            return self.error(400, "name: must not be blank")
        with self.store.lock:
            group = self._group(request.path_params["groupId"])
            if group is None:
                return self.error(404, "User group not found")
            # Omitted fields keep their value; an empty string clears area and description.
            for key in ("name", "area", "description", "active"):
                if key in body:
                    group[key] = body[key]
            group["modifiedDate"] = max(_now_ms(), group["modifiedDate"] + 1)
            self.store.put(group["id"], group)
        return Response(200, _view(group))

    def list_groups(self, request: Request) -> Response:
        if request.param("type") not in self.settings["group_types"]:
            return self.error(400, f"type: must be one of {', '.join(self.settings['group_types'])}")
        filters: dict[str, Any] = {"type": request.param("type")}
        for key in ("name", "area"):
            if request.param(key) is not None:
                filters[key] = request.param(key)
        if request.param("active") is not None:
            filters["active"] = request.param("active") == "true"
        matches = [g for g in self._groups() if all(g.get(k) == v for k, v in filters.items())]
        if request.param("sort") in ("-createdDate", "-id"):
            matches.reverse()
        cursor = self._cursor(request)
        if isinstance(cursor, Response):
            return cursor
        start, limit = cursor
        return self._page(request, GROUPS, [self._group_view(g) for g in matches], start, limit)

    def _page(self, request: Request, path: str, items: list[Any], start: int, limit: int,
              view: Any = None) -> Response:
        """One cursor page: ``next`` only while more remain (the pod's rule: stop when it is absent).
        ``view`` renders the page's items only (so a page of a large list stays cheap)."""
        page = items[start : start + limit]
        if view is not None:
            page = [view(item) for item in page]
        end = start + len(page)
        pagination: dict[str, Any] = {"cursors": {"before": _encode_cursor(start)}}
        query = {k: v[0] for k, v in request.query.items() if k not in ("after", "before")}
        if end < len(items):
            after = _encode_cursor(end)
            pagination["cursors"]["after"] = after
            pagination["next"] = f"{path}?{urlencode({**query, 'after': after})}"
        if start > 0:
            pagination["previous"] = f"{path}?{urlencode({**query, 'before': _encode_cursor(start)})}"
        return Response(200, {"data": page, "pagination": pagination})

    def _cursor(self, request: Request) -> tuple[int, int] | Response:
        """``(start, limit)`` from ``after`` and ``limit``, or the 400 the pod answers."""
        limit = int(request.param("limit") or self.settings["page_size"])
        if limit < 1:
            return self.error(400, "limit: must be greater than 0")
        limit = min(limit, int(self.settings["max_page_size"]))
        start = 0
        if request.param("after") is not None:
            decoded = _decode_cursor(request.param("after") or "")
            if decoded is None:
                return self.error(400, "after: invalid cursor")
            start = decoded
        return start, limit

    # -- users, memberships and assignments -----------------------------------------------
    def lookup_users(self, request: Request) -> Response:
        """``GET /pod/v3/users``: one of ``uid``, ``email`` or ``username`` lists, at most 100 each."""
        given = [k for k in ("uid", "email", "username") if request.param(k)]
        if len(given) != 1:
            return self.error(400, "Exactly one of uid, email or username must be given")
        key = given[0]
        wanted = [v for v in (request.param(key) or "").split(",") if v]
        if len(wanted) > LOOKUP_MAX:
            return self.error(400, f"{key}: at most {LOOKUP_MAX} elements per search")
        field = {"uid": "id", "email": "emailAddress", "username": "username"}[key]
        compare = LOOKUP_CASE[self.settings["lookup_case"]] if key != "uid" else str
        found, errors = [], []
        def index() -> dict[str, list[dict[str, Any]]]:
            by_value: dict[str, list[dict[str, Any]]] = {}  # one pass over the pod's users while nothing changes
            for user in self._users():
                if user.get(field) is not None:
                    by_value.setdefault(compare(str(user[field])), []).append(user)
            return by_value

        by_value = self.derived(f"lookup:{key}", index)  # the settings (the case rule) are part of its key
        for value in wanted:
            matches = by_value.get(compare(value), [])
            if not matches:
                errors.append({"error": "user.not.found", ("email" if key == "email" else "id"): value})
            found += [u for u in matches if u not in found]
        if not found:
            return Response(204, None)  # "No user found." (pod-api-public.yaml)
        body: dict[str, Any] = {"users": [self._user_view(u) for u in found]}
        if errors:
            body["errors"] = errors
        return Response(200, body)

    def search_users(self, request: Request) -> Response:
        """``POST /pod/v1/user/search``: active users matching the filters (inexactly), ``skip``/``limit``."""
        body = request.json() or {}
        filters = body.get("filters") or {}
        skip, limit = int(request.param("skip") or 0), int(request.param("limit") or pod_directory.SEARCH_DEFAULT_LIMIT)
        if skip < 0 or limit < 1:
            return self.error(400, "skip must be 0 or more and limit 1 or more")
        found = self.derived("search:" + json.dumps(filters, sort_keys=True),  # one scan per directory state
                             lambda: [u for u in self._users() if pod_directory.search_matches(u, filters)])
        page = found[skip:skip + limit]
        return Response(200, {"count": len(found), "skip": skip, "limit": len(page), "searchQuery": body,
                              "users": [self._user_view(u) for u in page]})

    def find_users(self, request: Request) -> Response:
        """``POST /pod/v1/admin/user/find``: users of exactly this role, feature and status."""
        user_filter = request.json() or {}
        skip = int(request.param("skip") or 0)
        limit = int(request.param("limit") or pod_directory.FIND_DEFAULT_LIMIT)
        if skip < 0 or not 1 <= limit <= pod_directory.FIND_MAX_LIMIT:
            return self.error(400, f"skip must be 0 or more and limit from 1 to {pod_directory.FIND_MAX_LIMIT}")
        found = self.derived("find:" + json.dumps(user_filter, sort_keys=True),
                             lambda: [u for u in self._users() if pod_directory.find_matches(u, user_filter)])
        return Response(200, [pod_directory.detail(u) for u in found[skip:skip + limit]])

    def list_memberships(self, request: Request) -> Response:
        return self._list_links(request, "members")

    def list_assignments(self, request: Request) -> Response:
        return self._list_links(request, "assignees")

    def _list_links(self, request: Request, kind: str) -> Response:
        group = self._group(request.path_params["groupId"])
        if group is None:
            return self.error(404, "User group not found")
        cursor = self._cursor(request)
        if isinstance(cursor, Response):
            return cursor
        links = self._links(group["id"], kind)
        items = sorted(links.values(), key=lambda link: link["userId"])
        if request.param("active") is not None:
            items = [link for link in items if link["active"] == (request.param("active") == "true")]
        if request.param("userId") is not None:
            items = [link for link in items if str(link["userId"]) == request.param("userId")]
        expand = set((request.param("expand") or "").split(","))

        def view(link: dict[str, Any]) -> dict[str, Any]:
            user = self.store.get(f"user:{link['userId']}") if "user" in expand else None
            return self._link_view(group, link, user, "group" in expand)

        path = f"{GROUPS}/{group['id']}/{'memberships' if kind == 'members' else 'assignments'}"
        return self._page(request, path, items, *cursor, view=view)

    def replace_memberships(self, request: Request) -> Response:
        """The listed users become the active members; every other member is deactivated."""
        names = [item.get("username") for item in request.json() or []]
        with self.store.lock:
            group = self._group(request.path_params["groupId"])
            if group is None:
                return self.error(404, "User group not found")
            by_name = {u["username"].lower(): u for u in self._users()}
            unknown = [n for n in names if str(n).lower() not in by_name]
            if unknown:
                return self.error(400, f"Users not found: {', '.join(map(str, unknown))}")
            wanted = {by_name[str(n).lower()]["id"] for n in names}
            links = self._links(group["id"], "members")
            now = _now_ms()
            for uid in wanted | {int(k) for k in links}:
                self._set_link(links, uid, uid in wanted, now)
            self._save_links(group, "members", links)
        return Response(200, {"format": "TEXT", "message": "Membership replaced successfully"})

    def upsert_membership(self, request: Request) -> Response:
        return self._upsert_link(request, "members")

    def upsert_assignment(self, request: Request) -> Response:
        return self._upsert_link(request, "assignees")

    def _upsert_link(self, request: Request, kind: str) -> Response:
        active = (request.json() or {}).get("active")
        if not isinstance(active, bool):
            return self.error(400, "active: must be a boolean")
        with self.store.lock:
            group = self._group(request.path_params["groupId"])
            user = self.store.get(f"user:{request.path_params['userId']}")
            if group is None or user is None:
                return self.error(404, "Either the group or the user cannot be found")
            links = self._links(group["id"], kind)
            existed = str(user["id"]) in links
            link = self._set_link(links, user["id"], active, _now_ms())
            self._save_links(group, kind, links)
        view = self._link_view(group, link, user, True)
        if kind == "members":
            view["user"] = {"id": user["id"], "userName": user["username"]}  # MembershipData spells it so
            return Response(200, view)
        return Response(200 if existed else 201, view)

    def _links(self, group_id: str, kind: str) -> dict[str, dict[str, Any]]:
        return self.store.get_meta(f"{kind}:{group_id}", {})

    def _set_link(self, links: dict[str, dict[str, Any]], user_id: int, active: bool, now: int) -> dict[str, Any]:
        link = links.get(str(user_id)) or {"id": secrets.token_hex(8), "userId": user_id, "active": False}
        if active and not link["active"]:
            link["lastAddedDate"] = now
        if not active and link["active"]:
            link["lastRemovedDate"] = now
        link["active"] = active
        links[str(user_id)] = link
        return link

    def _save_links(self, group: dict[str, Any], kind: str, links: dict[str, dict[str, Any]]) -> None:
        self.store.set_meta(f"{kind}:{group['id']}", links)
        group["memberCount" if kind == "members" else "assigneeCount"] = sum(1 for l in links.values() if l["active"])
        self.store.put(group["id"], group)

    def _link_view(self, group: dict[str, Any], link: dict[str, Any], user: dict[str, Any] | None,
                   with_group: bool) -> dict[str, Any]:
        view = {"id": link["id"], "groupId": group["id"], "userId": link["userId"], "active": link["active"]}
        for key in ("lastAddedDate", "lastRemovedDate"):
            if key in link:
                view[key] = link[key]
        if user is not None:
            view["user"] = {"id": user["id"], "username": user["username"], "firstName": user.get("firstName"),
                            "lastName": user.get("lastName"), "emailAddress": user.get("emailAddress")}
        if with_group:
            view["group"] = {k: group.get(k) for k in ("id", "name", "area", "type", "active")}
        return view

    def _group(self, group_id: str) -> dict[str, Any] | None:
        doc = self.store.get(group_id)
        return None if doc is None or doc.get("_kind") else doc

    def _groups(self) -> list[dict[str, Any]]:
        return [d for d in self.store.all() if not d.get("_kind")]

    def _users(self) -> list[dict[str, Any]]:
        return self.derived("users", lambda: [d for d in self.store.all() if d.get("_kind") == USER_KIND])

    def _group_view(self, group: dict[str, Any]) -> dict[str, Any]:
        return _view(group)

    def _user_view(self, user: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in user.items() if not k.startswith("_") and v is not None}

    def seed_users(self, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Pod users (``{"username": ..., "email": ...}``), made directly: user provisioning is not emulated."""
        made = []
        with self.store.batch():
            next_id = int(self.store.get_meta("next_user_id", 13056700000001))
            for spec in users:
                username = spec["username"]
                user = {"_kind": USER_KIND, "id": next_id, "username": username,
                        "emailAddress": spec.get("email") or f"{username}@example.com",
                        "displayName": spec.get("displayName") or username, "firstName": username.split(".")[0],
                        "lastName": (username.split(".") + [""])[1], "accountType": "NORMAL",
                        **{k: v for k, v in spec.items() if k in DIRECTORY_KEYS}}
                self.store.put(f"user:{next_id}", user)
                made.append(self._user_view(user))
                next_id += 1
            self.store.set_meta("next_user_id", next_id)
        return made

    def change_user(self, user_id: int, changes: dict[str, Any]) -> Response:
        """A user's directory attributes changed outside the pod API (HR moved them, an admin disabled them)."""
        with self.store.batch():
            user = self.store.get(f"user:{user_id}")
            if user is None:
                return Response(404, {"error": "no such user"})
            user.update({k: v for k, v in changes.items() if k in DIRECTORY_KEYS})
            self.store.put(f"user:{user_id}", user)
        return Response(200, self._user_view(user))

    def _new_id(self) -> str:
        while True:
            gid = secrets.token_hex(12)
            if self.store.get(gid) is None:
                return gid

    # -- admin ------------------------------------------------------------------------
    def admin(self, request: Request, path: str) -> Response | None:
        if path == "/sessions/expire" and request.method == "POST":
            return Response(200, {"expired": self.expire_sessions()})
        if path == "/tokens" and request.method == "POST":  # a rotation: only these session tokens work now
            self.static_tokens = set((request.json() or {}).get("tokens") or [])
            return Response(204)
        if path == "/bots" and request.method == "POST":
            body = request.json()
            self.bots[body["username"]] = body["publicKey"]
            return Response(204)
        if path == "/groups":
            if request.method == "POST":  # seed a group directly, bypassing the API
                body = request.json()
                group = {"id": body.get("id") or self._new_id(), "active": True, "createdDate": _now_ms(),
                         "modifiedDate": _now_ms(), "memberCount": 0, "assigneeCount": 0, **body}
                self.store.put(group["id"], group)
                return Response(201, group)
            return Response(200, self._groups())
        if path == "/users" and request.method == "POST":  # seed pod users: {"users": [{"username": ...}]}
            return Response(201, self.seed_users((request.json() or {}).get("users") or []))
        if path.startswith("/users/") and request.method == "PATCH":  # the directory changed: a move, a leaver
            return self.change_user(int(path[len("/users/"):]), request.json() or {})
        if path.startswith("/groups/") and path.count("/") == 3 and request.method == "POST":
            # /groups/{id}/members or /groups/{id}/assignees: {"userId": ..., "active": ...} changed in the portal
            # ({"userIds": [...]} for many at once)
            _, _, gid, kind = path.split("/")
            body = request.json() or {}
            with self.store.lock:
                group = self._group(gid)
                if group is None or kind not in ("members", "assignees"):
                    return Response(404, {"error": "no such group"})
                links = self._links(gid, kind)
                for user_id in body.get("userIds") or [body["userId"]]:
                    self._set_link(links, int(user_id), bool(body.get("active", True)), _now_ms())
                self._save_links(group, kind, links)
            return Response(204)
        if path.startswith("/groups/"):
            gid = path[len("/groups/"):]
            group = self._group(gid)
            if group is None:
                return Response(404, {"error": "no such group"})
            if request.method == "DELETE":  # a group that vanished outside Pulumi
                self.store.delete(gid)
                return Response(204)
            if request.method == "PATCH":  # a change made outside Pulumi
                group.update(request.json() or {})
                group["modifiedDate"] = max(_now_ms(), group["modifiedDate"] + 1)
                self.store.put(gid, group)
            return Response(200, group)
        return None


def load_bot_keys(specs: list[str]) -> dict[str, str]:
    """``["user=path/to/public.pem", ...]`` into ``{user: PEM}``."""
    bots = {}
    for spec in specs:
        user, _, path = spec.partition("=")
        bots[user] = Path(path).read_text()
    return bots


def _view(group: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in group.items() if v is not None}


def _now_ms() -> int:
    return int(time.time() * 1000)


def _encode_cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"i:{index}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int | None:
    """The position a cursor this emulator issued stands for; ``None`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, index = raw.partition(":")
        return int(index) if prefix == "i" and int(index) >= 0 else None
    except (ValueError, UnicodeDecodeError):
        return None
