"""The SoftwareOne Marketplace user-group API (Marketplace API 5.0.5458)."""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from . import rql
from .server import EmulatedApi, Request, Response, Route
from .store import DocumentStore
from .validation import SpecValidator

GROUPS = "/public/v1/accounts/user-groups"
ACCOUNT_USERS = "/public/v1/accounts/accounts/{account}/users"
USER_KIND = "accountUser"  # marks account-user documents in the shared store
LIST_PARAMS = {"limit", "offset", "select", "order"}
DEFAULT_MODULES = ["MOD-1756", "MOD-1001", "MOD-1002", "MOD-1003", "MOD-1004", "MOD-1005"]


class SwoApi(EmulatedApi):
    """Stateful Marketplace user groups behind ``Authorization: Bearer``.

    Every account seen gets its Default group ("Administrators", ``isDefault``),
    which cannot be deleted. Lists take the platform's RQL (``emulators.rql``, a port
    of its parser) with ``select``, ``order``, ``limit`` and ``offset``.

    Settings, for what the platform's sources leave open (the strict side is the default):
    ``unique_names`` (reject a second group with the same account and name; off),
    ``null_total`` (answer ``total: null``, which the spec allows; off),
    ``default_limit`` (10), ``max_limit`` (100), ``require_module`` (the seed spec's
    "at least one module"; on), ``omitted_fields`` (left out unless selected with
    ``+field`` and named in ``$meta.omitted``: ``audit`` and ``users``),
    ``stable_default_order`` (without ``order`` a list comes in no promised order:
    off, so each answer is shuffled), ``eq_folds_case`` (string ``eq`` ignores case,
    as a case-insensitive database collation would: on), ``update_extensions``
    (PUT accepts ``extensions``, which the published update schema lacks: off), ``user_ids``
    (the id form the account-users routes show, ``USR`` or ``AUSR``; both are accepted in paths).
    """

    name = "swo"
    spec_file = "swo-user-groups.openapi.json"

    def __init__(self, store: DocumentStore, tokens: list[str] | None = None, latency_ms: float = 0.0,
                 seed: int | None = None) -> None:
        super().__init__(store, latency_ms)
        self.tokens: set[str] = set(tokens or [])
        self._initial_tokens = set(self.tokens)
        self.validator = SpecValidator(self.spec_file)
        self._rng = random.Random(seed)
        self.settings: dict[str, Any] = {
            "unique_names": False, "null_total": False, "default_limit": 10, "max_limit": 100,
            "require_module": True, "omitted_fields": ["audit", "users"], "stable_default_order": False,
            "eq_folds_case": True, "update_extensions": False, "user_ids": "USR"}

    def routes(self) -> list[Route]:
        return [
            Route("POST", GROUPS, self.create_group),
            Route("GET", GROUPS, self.list_groups),
            Route("GET", GROUPS + "/{id}", self.get_group),
            Route("PUT", GROUPS + "/{id}", self.update_group),
            Route("DELETE", GROUPS + "/{id}", self.delete_group),
            Route("GET", ACCOUNT_USERS, self.list_users),
            Route("GET", ACCOUNT_USERS + "/{user}", self.get_user),
            Route("POST", ACCOUNT_USERS + "/{user}/groups", self.add_user_group),
            Route("PUT", ACCOUNT_USERS + "/{user}/groups", self.replace_user_groups),
            Route("DELETE", ACCOUNT_USERS + "/{user}/groups/{group}", self.remove_user_group),
        ]

    def reset_state(self) -> None:
        super().reset_state()
        self.tokens = set(self._initial_tokens)

    def error(self, status: int, message: str, errors: dict[str, list[str]] | None = None, **extra: Any) -> Response:
        body: dict[str, Any] = {
            "type": f"https://tools.ietf.org/html/rfc9110#section-15.{5 if status < 500 else 6}.{_section(status)}",
            "title": message if status != 400 else "One or more validation errors occurred.",
            "status": status,
            "traceId": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
        }
        if status == 400:
            body["detail"] = message
        if errors:
            body["errors"] = errors
        return Response(status, body)

    def authenticate(self, request: Request, route: Route) -> Response | None:
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or token not in self.tokens:
            return self.error(401, "Authentication Failed")
        return None

    def validate(self, request: Request, route: Route) -> Response | None:
        body = request.body
        if request.method == "PUT" and self.settings["update_extensions"] and body:
            # The switch's side: PUT may carry extensions, validated like the rest of the body.
            data = json.loads(body)
            if isinstance(data, dict):
                data.pop("extensions", None)
                body = json.dumps(data).encode()
        errors = self.validator.validate(request.method, request.path, {k: v for k, v in request.query.items()
                                         if k in LIST_PARAMS}, request.headers, body)
        if errors:
            grouped: dict[str, list[str]] = {}
            for e in errors:
                grouped.setdefault(e.field, []).append(e.message)
            return self.error(400, "; ".join(f"{k}: {', '.join(v)}" for k, v in grouped.items()), grouped)
        return None

    # -- user groups ------------------------------------------------------------------
    def create_group(self, request: Request) -> Response:
        body = request.json() or {}
        try:
            selection = self._selection(request.param("select"))
        except rql.RqlError as exc:
            return self.error(400, f"Invalid select: {exc}", {"select": [str(exc)]})
        problems = self._business_errors(body, creating=True)
        if problems:
            return self.error(400, "; ".join(f"{k}: {v[0]}" for k, v in problems.items()), problems)
        account_id = body["account"]["id"]
        with self.store.lock:
            self._ensure_account(account_id)
            if self.settings["unique_names"] and self._same_name(account_id, body["name"]):
                return self.error(400, f"A user group named {body['name']!r} already exists in {account_id}",
                                  {"name": ["A user group with this name already exists."]})
            now = _now()
            group = {
                "id": self._new_id(),
                "name": body["name"],
                "revision": 1,
                "description": body.get("description"),
                "logo": body.get("logo"),
                "account": self._account_ref(account_id),
                "modules": [_ref(m["id"], "Module") for m in body.get("modules") or []],
                "buyers": _refs(body.get("buyers"), "Buyer"),
                "extensions": _refs(body.get("extensions"), "Extension"),
                "isDefault": False,
                "users": [],
                "audit": {"created": {"at": now, "by": self._actor(request)}},
            }
            self.store.put(group["id"], group)
        return Response(201, self._project(group, selection, single=True))

    def get_group(self, request: Request) -> Response:
        try:
            selection = self._selection(request.param("select"))
        except rql.RqlError as exc:
            return self.error(400, f"Invalid select: {exc}", {"select": [str(exc)]})
        group = self.store.get(request.path_params["id"])
        if group is None:
            return self.error(404, f"User group {request.path_params['id']} not found")
        return Response(200, self._project(group, selection, single=True))

    def update_group(self, request: Request) -> Response:
        body = request.json() or {}
        try:
            selection = self._selection(request.param("select"))
        except rql.RqlError as exc:
            return self.error(400, f"Invalid select: {exc}", {"select": [str(exc)]})
        with self.store.lock:
            group = self.store.get(request.path_params["id"])
            if group is None:
                return self.error(404, f"User group {request.path_params['id']} not found")
            problems = self._business_errors(body, creating=False)
            if problems:
                return self.error(400, "; ".join(f"{k}: {v[0]}" for k, v in problems.items()), problems)
            # A delta update: supplied fields replace, omitted ones stay, null clears.
            for key in ("name", "description", "logo"):
                if key in body:
                    group[key] = body[key]
            if "modules" in body:
                group["modules"] = [_ref(m["id"], "Module") for m in body["modules"] or []]
            for key, kind in (("buyers", "Buyer"), ("extensions", "Extension")):
                if key in body:
                    group[key] = _refs(body[key], kind)
            group["revision"] += 1
            group["audit"]["updated"] = {"at": _now(), "by": self._actor(request)}
            self.store.put(group["id"], group)
        return Response(200, self._project(group, selection, single=True))

    def delete_group(self, request: Request) -> Response:
        with self.store.lock:
            group = self.store.get(request.path_params["id"])
            if group is None:
                return self.error(404, f"User group {request.path_params['id']} not found")
            if group.get("isDefault"):
                return self.error(400, "The default user group of an account cannot be deleted.",
                                  {"isDefault": ["The default user group cannot be deleted."]})
            users = self._with_users(group)["users"]
            if users:
                n = len(users)
                return self.error(400, f"The user group has {n} user(s) assigned and cannot be deleted.",
                                  {"users": [f"The user group has {n} user(s) assigned."]})
            self.store.delete(group["id"])
        return Response(204)

    def list_groups(self, request: Request) -> Response:
        members = self._members()
        return self._listing(request, [self._with_users(g, members) for g in self._groups()], self._project)

    def _listing(self, request: Request, docs: list[dict[str, Any]],
                 project: Any) -> Response:
        params: dict[str, str] = {}
        filter_parts: list[str] = []
        for part in request.raw_query.split("&"):
            key, eq, value = part.partition("=")
            if eq and unquote(key) in LIST_PARAMS:
                params[unquote(key)] = unquote(value)
            else:
                filter_parts.append(part)
        # The filter is everything else, joined again: a top-level '&' is RQL's "and".
        expression = unquote("&".join(filter_parts))
        try:
            match = rql.compile_filter(rql.parse(expression), self.settings["eq_folds_case"]) \
                if expression.strip("&") else (lambda _g: True)
            selection = self._selection(params.get("select"))
            order = rql.parse_fields(params.get("order", ""))
        except rql.RqlError as exc:
            return self.error(400, f"Invalid RQL query: {exc}", {"query": [str(exc)]})
        try:
            limit = int(params.get("limit", self.settings["default_limit"]))
            offset = int(params.get("offset", 0))
        except ValueError:
            return self.error(400, "limit and offset must be integers",
                              {"limit": ["must be an integer"], "offset": ["must be an integer"]})
        if limit < 0 or offset < 0:
            return self.error(400, "limit and offset must not be negative", {"limit": ["must not be negative"]})
        limit = min(limit, int(self.settings["max_limit"]))
        def index(prop: str, fold: bool) -> Any:
            return self.derived(f"index {request.path} {prop} {fold}", lambda: rql.value_index(docs, prop, fold))

        def select() -> list[dict[str, Any]]:
            # A filter of exact values reads only the documents an index of those values names.
            pool = rql.candidates(docs, match.lookups, index) if isinstance(match, rql.IndexedFilter) else docs
            found = [d for d in pool if match(d)]
            for ascending, path in reversed(order):  # stable sorts, last key first
                found.sort(key=rql.sort_key(path), reverse=not ascending)
            return found

        # The same query's pages share one filtering and sorting while nothing changes.
        matches = self.derived(f"{request.path}?{expression}&order={params.get('order', '')}", select)
        if not order and not self.settings["stable_default_order"]:
            matches = self._rng.sample(matches, len(matches))  # no order was asked for, so none is promised
        page = matches[offset : offset + limit] if limit else []
        total = None if self.settings["null_total"] else len(matches)
        meta: dict[str, Any] = {"pagination": {"offset": offset, "limit": limit, "total": total}}
        omitted = self._omitted(selection)
        if omitted and project == self._project:
            meta["omitted"] = omitted
        return Response(200, {"$meta": meta, "data": [project(d, selection) for d in page]})

    # -- account users and their groups (membership lives on the user) ---------------------
    def list_users(self, request: Request) -> Response:
        account = request.path_params["account"]

        def views() -> list[dict[str, Any]]:
            # Filters see the user as the API shows it (groups as references); the groups are read once.
            docs = self.store.all()
            groups = {d["id"]: d for d in docs if not d.get("_kind")}
            users = [d for d in docs if d.get("_kind") == USER_KIND and d["account"]["id"] == account]
            return [self._user_view(u, groups) for u in users]

        return self._listing(request, self.derived(f"users:{account}", views), lambda view, _sel: view)

    def get_user(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return self._no_user(request)
        return Response(200, self._user_view(user))

    def add_user_group(self, request: Request) -> Response:
        gid = (request.json() or {}).get("id")
        with self.store.lock:
            user = self._user(request)
            if user is None:
                return self._no_user(request)
            group = self.store.get(gid)
            if group is None or group.get("_kind") or group["account"]["id"] != user["account"]["id"]:
                return self.error(404, f"User group {gid} not found in account {user['account']['id']}")
            if gid not in user["groups"]:  # adding a group the user already has changes nothing
                self._set_groups(user, user["groups"] + [gid])
        return Response(200, self._user_view(user))

    def replace_user_groups(self, request: Request) -> Response:
        ids = [ref.get("id") for ref in request.json() or []]
        with self.store.lock:
            user = self._user(request)
            if user is None:
                return self._no_user(request)
            if not ids:
                return self.error(400, "An account user must belong to at least one user group.",
                                  {"groups": ["At least one user group is required."]})
            for gid in ids:
                group = self.store.get(gid)
                if group is None or group.get("_kind") or group["account"]["id"] != user["account"]["id"]:
                    return self.error(404, f"User group {gid} not found in account {user['account']['id']}")
            self._set_groups(user, list(dict.fromkeys(ids)))
        return Response(200, self._user_view(user))

    def remove_user_group(self, request: Request) -> Response:
        gid = request.path_params["group"]
        with self.store.lock:
            user = self._user(request)
            if user is None:
                return self._no_user(request)
            if gid not in user["groups"]:
                return self.error(404, f"User {user['id']} is not in user group {gid}")
            if len(user["groups"]) == 1:
                return self.error(400, f"User {user['id']} must keep at least one user group; {gid} is its last.",
                                  {"groups": ["An account user must belong to at least one user group."]})
            self._set_groups(user, [g for g in user["groups"] if g != gid])
        return Response(204)

    def _users(self) -> list[dict[str, Any]]:
        return [d for d in self.store.all() if d.get("_kind") == USER_KIND]

    def _groups(self) -> list[dict[str, Any]]:
        return [d for d in self.store.all() if not d.get("_kind")]

    def _user(self, request: Request) -> dict[str, Any] | None:
        uid = request.path_params["user"]
        user = self.store.get(uid[1:] if uid.startswith("AUSR-") else uid)
        if user is None or user.get("_kind") != USER_KIND or user["account"]["id"] != request.path_params["account"]:
            return None
        return user

    def _no_user(self, request: Request) -> Response:
        return self.error(404, f"User {request.path_params['user']} not found in account {request.path_params['account']}")

    def _set_groups(self, user: dict[str, Any], group_ids: list[str]) -> None:
        """The user's groups: membership is stored on the user only (the group's ``users`` is derived)."""
        user["groups"] = group_ids
        self.store.put(user["id"], user)

    def _members(self) -> dict[str, list[dict[str, Any]]]:
        """Each group's users, from the account users' groups (one pass over the store)."""
        def members() -> dict[str, list[dict[str, Any]]]:
            out: dict[str, list[dict[str, Any]]] = {}
            for doc in self.store.all():
                if doc.get("_kind") == USER_KIND:
                    for gid in doc["groups"]:
                        out.setdefault(gid, []).append({"id": doc["id"], "name": doc["user"]["name"]})
            return out
        return self.derived("members", members)

    def _with_users(self, group: dict[str, Any], members: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
        """The group as the API shows it: ``users`` is the reverse view of the account users' groups
        (plus any set directly by the admin routes, e.g. the Default group's owner)."""
        members = self._members() if members is None else members
        direct = group.get("users") or []
        derived = [u for u in members.get(group["id"], []) if u["id"] not in {d["id"] for d in direct}]
        return {**group, "users": direct + derived}

    def _user_view(self, user: dict[str, Any], known: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
        groups = []
        for gid in user["groups"]:
            group = (known.get(gid) if known is not None else self.store.get(gid)) or {}
            groups.append({"id": gid, "name": group.get("name"), "isDefault": bool(group.get("isDefault"))})
        # The account-users routes may name a user by the account-user form (AUSR-) while ``user.id`` keeps
        # the user's own (USR-): the official client's tests and the older docs disagree, so it is a setting.
        ausr = self.settings["user_ids"] == "AUSR" and user["id"].startswith("USR-")
        shown = "A" + user["id"] if ausr else user["id"]
        return {"id": shown, "status": user.get("status", "Active"), "user": user["user"],
                "account": user["account"], "groups": groups}

    def seed_users(self, account_id: str, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Account users made directly (invitations are not emulated); each starts in the Default group."""
        made = []
        with self.store.batch():
            default = self._ensure_account(account_id)
            for spec in users:
                uid = spec.get("id") or self._new_id("USR")
                email = spec.get("email") or f"{uid.lower()}@example.com"
                user = {"_kind": USER_KIND, "id": uid, "status": spec.get("status") or "Active",
                        "account": self._account_ref(account_id),
                        "user": {"id": uid, "name": spec.get("name") or email.split("@")[0], "email": email},
                        "groups": []}
                self.store.put(uid, user)
                self._set_groups(user, list(spec.get("groups") or [default]))
                made.append(self._user_view(user))
        return made

    def _selection(self, spec: str | None) -> dict[str, bool]:
        """``select=+audit,-logo`` as {field: shown}; top-level fields only, as the provider uses."""
        return {name: shown for shown, name in rql.parse_fields(spec or "")}

    def _omitted(self, selection: dict[str, bool]) -> list[str]:
        return [f for f in self.settings["omitted_fields"] if not selection.get(f)]

    def _project(self, group: dict[str, Any], selection: dict[str, bool], single: bool = False) -> dict[str, Any]:
        if single:
            group = self._with_users(group)
        hidden = set(self._omitted(selection)) | {f for f, shown in selection.items() if not shown}
        hidden.discard("id")
        view = {k: v for k, v in _view(group).items() if k not in hidden}
        omitted = self._omitted(selection)
        if single and omitted:
            view["$meta"] = {"omitted": omitted}
        return view

    # -- helpers ----------------------------------------------------------------------
    def _business_errors(self, body: dict[str, Any], creating: bool) -> dict[str, list[str]]:
        problems: dict[str, list[str]] = {}
        if (creating or "name" in body) and not str(body.get("name") or "").strip():
            problems["name"] = ["The Name field is required."]
        if creating and not (body.get("account") or {}).get("id"):
            problems["account.id"] = ["The Account field is required."]
        if (creating or "modules" in body) and self.settings["require_module"] and not body.get("modules"):
            problems["modules"] = ["At least one module is required."]
        for key in ("modules", "buyers", "extensions"):
            ids = [item.get("id") for item in body.get(key) or []]
            if len(ids) != len(set(ids)):
                problems[key] = [f"Duplicate {key[:-1]} ids are not allowed."]
        return problems

    def _same_name(self, account_id: str, name: str) -> bool:
        return any(g["account"]["id"] == account_id and g["name"] == name for g in self._groups())

    def _ensure_account(self, account_id: str) -> str:
        """Makes the account (with its Default group) on first sight; returns the Default group's id."""
        accounts = self.store.get_meta("accounts", {})
        if account_id in accounts:
            return next(g["id"] for g in self._groups() if g["account"]["id"] == account_id and g.get("isDefault"))
        accounts[account_id] = f"Account {account_id}"
        self.store.set_meta("accounts", accounts)
        default = {
            "id": self._new_id(), "name": "Administrators", "revision": 1, "description": "Default group",
            "account": self._account_ref(account_id), "modules": [_ref(m, "Module") for m in DEFAULT_MODULES],
            "isDefault": True, "users": [{"id": "USR-0000-0001", "name": "Account Owner"}],
            "audit": {"created": {"at": _now(), "by": {"id": "system", "name": "Platform"}}},
        }
        self.store.put(default["id"], default)
        return default["id"]

    def _account_ref(self, account_id: str) -> dict[str, Any]:
        name = self.store.get_meta("accounts", {}).get(account_id, f"Account {account_id}")
        return {"id": account_id, "name": name}

    def _actor(self, request: Request) -> dict[str, str]:
        return {"id": "TKN-0000-0001", "name": "API token"}

    def _new_id(self, prefix: str = "UGR") -> str:
        while True:
            new = f"{prefix}-{self._rng.randint(0, 9999):04d}-{self._rng.randint(0, 9999):04d}"
            if self.store.get(new) is None:
                return new

    # -- admin ------------------------------------------------------------------------
    def admin(self, request: Request, path: str) -> Response | None:
        if path == "/tokens" and request.method == "POST":  # a rotation: only these tokens work from now on
            self.tokens = set((request.json() or {}).get("tokens") or [])
            return Response(204)
        if path == "/groups":
            if request.method == "POST":  # seed a group directly, bypassing the API
                body = request.json()
                with self.store.lock:
                    self._ensure_account(body["account"]["id"])
                    group = {"id": body.get("id") or self._new_id(), "revision": 1, "isDefault": False, "users": [],
                             "audit": {"created": {"at": _now(), "by": {"id": "USR-0000-0001", "name": "Someone"}}},
                             **body, "account": self._account_ref(body["account"]["id"])}
                    group["modules"] = [_ref(m["id"], "Module") for m in group.get("modules") or []]
                    self.store.put(group["id"], group)
                return Response(201, group)
            members = self._members()
            return Response(200, [self._with_users(g, members) for g in self._groups()])
        if path == "/users" and request.method == "POST":  # seed account users: {"account": ..., "users": [...]}
            body = request.json() or {}
            return Response(201, self.seed_users(body["account"], body.get("users") or []))
        if path.startswith("/users/") and request.method == "PATCH":  # a user changed in the portal
            changes = request.json() or {}  # their groups, status ("Disabled") or e-mail address
            with self.store.lock:
                user = self.store.get(path[len("/users/"):])
                if user is None or user.get("_kind") != USER_KIND:
                    return Response(404, {"error": "no such user"})
                user.update({k: changes[k] for k in ("status",) if k in changes})
                if "email" in changes:
                    user["user"]["email"] = changes["email"]
                if "groups" in changes:
                    self._set_groups(user, list(changes["groups"]))
                else:
                    self.store.put(user["id"], user)
            return Response(200, self._user_view(user))
        if path.startswith("/groups/"):
            gid = path[len("/groups/"):]
            with self.store.lock:
                group = self.store.get(gid)
                if group is None:
                    return Response(404, {"error": "no such group"})
                if request.method == "DELETE":
                    self.store.delete(gid)
                    return Response(204)
                if request.method == "PATCH":  # a change made outside Pulumi (e.g. in the portal)
                    changes = request.json() or {}
                    if "modules" in changes:
                        changes["modules"] = [_ref(m, "Module") for m in changes["modules"]]
                    if "users" in changes:
                        changes["users"] = [{"id": u, "name": f"User {u}"} for u in changes["users"]]
                    group.update(changes)
                    group["revision"] += 1
                    group["audit"]["updated"] = {"at": _now(), "by": {"id": "USR-0000-0001", "name": "Someone"}}
                    self.store.put(gid, group)
            return Response(200, group)
        return None


def _view(group: dict[str, Any]) -> dict[str, Any]:
    """The platform omits null and empty fields from responses."""
    return {k: v for k, v in group.items() if v is not None and v != [] and v != ""}


def _ref(item_id: str, kind: str) -> dict[str, Any]:
    return {"id": item_id, "name": f"{kind} {item_id}"}


def _refs(items: list[dict[str, Any]] | None, kind: str) -> list[dict[str, Any]] | None:
    return None if items is None else [_ref(i["id"], kind) for i in items]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _section(status: int) -> int:
    return {400: 1, 401: 2, 403: 4, 404: 5, 409: 10, 429: 29, 500: 1, 502: 3, 503: 4, 504: 5}.get(status, 1)
