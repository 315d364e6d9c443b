"""The Symphony Pod user-group API (Restricted Pod API 20.17.1) and its RSA login."""

from __future__ import annotations

import base64
import secrets
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt

from .server import EmulatedApi, Request, Response, Route
from .store import DocumentStore
from .validation import SpecValidator

GROUPS = "/pod/v2/admin/usergroups"
MAX_JWT_LIFETIME = 300  # seconds: Symphony rejects a JWT whose exp is more than 5 minutes ahead
CLOCK_SKEW = 5


class SymphonyApi(EmulatedApi):
    """Stateful Symphony pod: ``/login/pubkey/authenticate`` plus the compliance user-group family.

    Settings (``POST /_emulator/settings``): ``unique_names`` (reject a second group
    with the same type and name; the API does not document it, so off by default,
    which is the stricter test of a client), ``page_size`` (default page size),
    ``max_page_size``, ``session_ttl`` (seconds a session token lives),
    ``group_types`` (the ``type`` values accepted: the API's documented enum,
    ``ROLE_SCOPE`` and ``CEP_VISIBILITY_GROUP``; anything else is a 400).

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
                                         "session_ttl": 3600, "group_types": ["ROLE_SCOPE", "CEP_VISIBILITY_GROUP"]}

    def routes(self) -> list[Route]:
        return [
            Route("POST", "/login/pubkey/authenticate", self.authenticate_bot),
            Route("POST", GROUPS, self.create_group),
            Route("GET", GROUPS, self.list_groups),
            Route("GET", GROUPS + "/{groupId}", self.get_group),
            Route("PUT", GROUPS + "/{groupId}", self.update_group),
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
                g["type"] == body["type"] and g["name"] == body["name"] for g in self.store.all()
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
        group = self.store.get(request.path_params["groupId"])
        if group is None:
            return self.error(404, "User group not found")
        return Response(200, _view(group))

    def update_group(self, request: Request) -> Response:
        body = request.json()
        if "name" in body and not str(body["name"]).strip():
            return self.error(400, "name: must not be blank")
        with self.store.lock:
            group = self.store.get(request.path_params["groupId"])
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
        matches = [g for g in self.store.all() if all(g.get(k) == v for k, v in filters.items())]
        if request.param("sort") in ("-createdDate", "-id"):
            matches.reverse()
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
        page = matches[start : start + limit]
        end = start + len(page)
        pagination: dict[str, Any] = {"cursors": {"before": _encode_cursor(start)}}
        if end < len(matches):
            after = _encode_cursor(end)
            pagination["cursors"]["after"] = after
            query = {k: v[0] for k, v in request.query.items() if k != "after"}
            pagination["next"] = f"{GROUPS}?{urlencode({**query, 'after': after})}"
        if start > 0:
            pagination["previous"] = f"{GROUPS}?{urlencode({'type': filters['type'], 'before': _encode_cursor(start)})}"
        return Response(200, {"data": [_view(g) for g in page], "pagination": pagination})

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
            return Response(200, self.store.all())
        if path.startswith("/groups/"):
            gid = path[len("/groups/"):]
            group = self.store.get(gid)
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
