"""Strict fakes of the people endpoints of both APIs, answering as the documented routes do (responses)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

import requests
import responses

from tests.unit.helpers import FAST, POD_URL, SESSION, SWO_TOKEN, SWO_URL

GROUPS = f"{POD_URL}/pod/v2/admin/usergroups"
SYM_GID = "g1"
SYM_CONFIG = {"symphony:podUrl": POD_URL, "symphony:sessionToken": SESSION,
          **{f"symphony:{k}": v for k, v in FAST.items()}}


class Pod:
    """A pod's users, one group's members and assignees, answering as the documented endpoints do."""

    def __init__(self, rsps: responses.RequestsMock, usernames: list[str], page: int = 100) -> None:
        self.ids = {name: 1000 + i for i, name in enumerate(usernames)}
        self.names = {uid: name for name, uid in self.ids.items()}
        self.links: dict[str, dict[int, bool]] = {"memberships": {}, "assignments": {}}
        self.page, self.group_exists, self.drop_next_put = page, True, False
        self.emails: dict[int, str] = {}  # user id -> address, where it is not <username>@pod.example
        self.unexpandable: set[int] = set()  # users the listing can no longer expand (no username shown)
        self.attributes: dict[str, dict] = {}  # username -> title, company, location the lookup shows
        rsps.add_callback("GET", re.compile(re.escape(f"{POD_URL}/pod/v3/users") + r"\?.*"), self.lookup)
        for kind in ("memberships", "assignments"):
            rsps.add_callback("GET", re.compile(re.escape(f"{GROUPS}/{SYM_GID}/{kind}") + r"\?.*"), self.listing)
            rsps.add_callback("PUT", re.compile(re.escape(f"{GROUPS}/{SYM_GID}/{kind}") + r"/\d+$"), self.upsert)
        rsps.add_callback("PUT", f"{GROUPS}/{SYM_GID}/memberships", self.replace)

    def active(self, kind: str = "memberships") -> set[str]:
        return {self.names[u] for u, on in self.links[kind].items() if on}

    def lookup(self, request):
        """Matches more loosely than any documented rule (full Unicode case folding, as a collation might),
        so the provider's own exact comparison is what decides; 204 when nobody is found, as documented."""
        query = parse_qs(urlsplit(request.url).query)
        (field,) = [f for f in ("username", "email") if f in query]
        wanted = query[field][0].split(",")
        assert len(wanted) <= 100
        def name(uid: int) -> str:
            return self.emails.get(uid, f"{self.names[uid]}@pod.example") if field == "email" else self.names[uid]
        users = [{"id": uid, "username": self.names[uid], "emailAddress": name(uid) if field == "email" else None,
                  **{k: v for k, v in self.attributes.get(self.names[uid], {}).items()
                     if k in ("title", "company", "location")}}
                 for uid in self.names if any(name(uid).casefold() == w.casefold() for w in wanted)]
        if not users:
            return 204, {}, ""
        errors = [{"error": "user.not.found", "id": n} for n in wanted
                  if not any(name(u["id"]).casefold() == n.casefold() for u in users)]
        return 200, {}, json.dumps({"users": users, **({"errors": errors} if errors else {})})

    def listing(self, request):
        if not self.group_exists:
            return 404, {}, json.dumps({"code": 404, "message": "User group not found"})
        kind = urlsplit(request.url).path.rsplit("/", 1)[1]
        q = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        items = sorted(self.links[kind].items())
        if "active" in q:
            items = [(u, on) for u, on in items if on == (q["active"] == "true")]
        if "userId" in q:
            items = [(u, on) for u, on in items if u == int(q["userId"])]
        start = int(q.get("after", 0))
        chunk = items[start:start + min(int(q.get("limit", 50)), self.page)]
        pagination = {"cursors": {"before": str(start)}}
        if start + len(chunk) < len(items):
            pagination["cursors"]["after"] = str(start + len(chunk))
            pagination["next"] = f"/pod/v2/admin/usergroups/{SYM_GID}/{kind}?after={start + len(chunk)}"
        data = [{"id": f"m{u}", "groupId": SYM_GID, "userId": u, "active": on,
                 **({} if u in self.unexpandable else {"user": {"id": u, "username": self.names[u]}})}
                for u, on in chunk]
        return 200, {}, json.dumps({"data": data, "pagination": pagination})

    def upsert(self, request):
        kind, uid = urlsplit(request.url).path.rsplit("/", 2)[1:]
        if not self.group_exists or int(uid) not in self.names:
            return 404, {}, json.dumps({"code": 404, "message": "Either the group or the user cannot be found"})
        self.links[kind][int(uid)] = json.loads(request.body)["active"]
        if self.drop_next_put:
            self.drop_next_put = False
            raise requests.ConnectionError("connection reset by peer")  # done, but the answer is lost
        return 200, {}, json.dumps({"id": f"m{uid}", "groupId": SYM_GID, "userId": int(uid), "active": True})

    def replace(self, request):
        names = [item["username"] for item in json.loads(request.body)]
        # Usernames exactly as the pod has them, and only of users it can still expand.
        if any(n not in self.ids or self.ids[n] in self.unexpandable for n in names):
            return 400, {}, json.dumps({"code": 400, "message": "Users not found"})
        wanted = {self.ids[n] for n in names}
        for uid in set(self.links["memberships"]) | wanted:
            self.links["memberships"][uid] = uid in wanted
        return 200, {}, json.dumps({"format": "TEXT", "message": "ok"})


class PodDirectory:
    """The pod's two user searches over ``Pod``'s users: Search Users, inexact as documented ("London" finds
    "London Bridge"; active users only) and paged by ``skip``/``limit``; Find Users, exact, with the status."""

    def __init__(self, rsps: responses.RequestsMock, pod: Pod, people: dict[str, dict]) -> None:
        self.pod, self.people = pod, people  # username -> {"location": ..., "function": ..., "status": ...}
        pod.attributes = people
        self.searches = 0
        rsps.add_callback("POST", re.compile(re.escape(f"{POD_URL}/pod/v1/user/search") + r"(\?.*)?$"), self.search)
        rsps.add_callback("POST", re.compile(re.escape(f"{POD_URL}/pod/v1/admin/user/find") + r"(\?.*)?$"), self.find)

    def _user(self, name: str) -> dict:
        attrs = self.people.get(name, {})
        return {"id": self.pod.ids[name], "username": name, "emailAddress": f"{name}@pod.example",
                **{k: attrs[k] for k in ("title", "company", "location") if k in attrs}}

    def search(self, request):
        self.searches += 1
        q = {k: int(v[0]) for k, v in parse_qs(urlsplit(request.url).query).items() if k in ("skip", "limit")}
        filters = json.loads(request.body)["filters"]
        found = [n for n in sorted(self.people) if self.people[n].get("status", "ENABLED") == "ENABLED"
                 and all(str(v).lower() in str(self.people[n].get(k, "")).lower() for k, v in filters.items())]
        skip, limit = q.get("skip", 0), q.get("limit", 50)
        page = found[skip:skip + limit]
        return 200, {}, json.dumps({"count": len(found), "skip": skip, "limit": len(page),
                                    "users": [self._user(n) for n in page]})

    def find(self, request):
        wanted = json.loads(request.body)
        found = [n for n in sorted(self.people)
                 if (not wanted.get("role") or wanted["role"] in self.people[n].get("roles", []))
                 and (not wanted.get("status") or wanted["status"] == self.people[n].get("status", "ENABLED"))]
        return 200, {}, json.dumps([{"userAttributes": {"userName": n, "emailAddress": f"{n}@pod.example"},
                                     "userSystemInfo": {"id": self.pod.ids[n],
                                                        "status": self.people[n].get("status", "ENABLED")}}
                                    for n in found])


ACC, GID = "ACC-1234-5678", "UGR-1111-2222"
USERS = f"{SWO_URL}/public/v1/accounts/accounts/{ACC}/users"
SWO_CONFIG = {"swo:apiUrl": SWO_URL, "swo:apiToken": SWO_TOKEN, **{f"swo:{k}": v for k, v in FAST.items()}}
TRACE = "00-abc-def-01"


class Tenant:
    """An account's users and their groups, answering the account-user routes as the platform does."""

    def __init__(self, rsps: responses.RequestsMock, users: dict[str, str], groups: dict[str, set[str]]) -> None:
        self.emails, self.groups = users, groups  # {USR id: address}, {USR id: {UGR ids}}
        self.drop_next_post = False
        rsps.add_callback("GET", re.compile(re.escape(USERS) + r"\?.*"), self.listing)
        rsps.add_callback("GET", re.compile(re.escape(USERS) + r"/USR-[\d-]+$"), self.one)
        rsps.add_callback("POST", re.compile(re.escape(USERS) + r"/USR-[\d-]+/groups$"), self.add)
        rsps.add_callback("DELETE", re.compile(re.escape(USERS) + r"/USR-[\d-]+/groups/UGR-[\d-]+$"), self.remove)
        rsps.add(responses.GET, re.compile(re.escape(f"{SWO_URL}/public/v1/accounts/user-groups/{GID}") + r"\?.*"),
                 json={"id": GID, "name": "Ops", "account": {"id": ACC}, "modules": [{"id": "MOD-1756"}]})

    def view(self, uid: str) -> dict:
        return {"id": uid, "user": {"id": uid, "email": self.emails[uid]},
                "groups": [{"id": g} for g in sorted(self.groups[uid])]}

    def listing(self, request):
        query = unquote(request.url.split("?", 1)[1])
        if "any(groups" in query:
            gid = re.search(r'eq\(id,"(UGR-[\d-]+)"\)', query).group(1)
            found = [u for u in self.emails if gid in self.groups[u]]
        elif "in(" in query or "ilike(" in query:
            # Ids in either form; addresses matched loosely (full case folding), as a collation might.
            wanted = {w.replace("\\*", "*").casefold() for w in re.findall(r'"([^"]+)"', query)}
            found = [u for u in self.emails if u.casefold() in wanted or self.emails[u].casefold() in wanted]
        else:
            found = list(self.emails)  # the whole account
        offset = int(re.search(r"offset=(\d+)", query).group(1))
        data = [self.view(u) for u in sorted(found)][offset:offset + 100]
        return 200, {}, json.dumps({"$meta": {"pagination": {"offset": offset, "limit": 100, "total": len(found)}},
                                    "data": data})

    def one(self, request):
        uid = request.url.rsplit("/", 1)[1]
        if uid not in self.emails:
            return 404, {}, json.dumps({"title": "Not Found", "status": 404, "traceId": TRACE})
        return 200, {}, json.dumps(self.view(uid))

    def add(self, request):
        uid = request.url.split("/users/")[1].split("/")[0]
        if uid not in self.emails:
            return 404, {}, json.dumps({"title": "Not Found", "status": 404, "traceId": TRACE})
        self.groups[uid].add(json.loads(request.body)["id"])
        if self.drop_next_post:
            self.drop_next_post = False
            raise requests.ConnectionError("connection reset by peer")  # done, but the answer is lost
        return 200, {}, json.dumps(self.view(uid))

    def remove(self, request):
        uid, gid = re.search(r"/users/(USR-[\d-]+)/groups/(UGR-[\d-]+)$", request.url).groups()
        if gid not in self.groups.get(uid, set()):
            return 404, {}, json.dumps({"title": "Not Found", "status": 404, "traceId": TRACE})
        if len(self.groups[uid]) == 1:
            return 400, {}, json.dumps({"title": "One or more validation errors occurred.", "status": 400,
                                        "detail": "An account user must belong to at least one user group.",
                                        "traceId": TRACE})
        self.groups[uid].discard(gid)
        return 204, {}, ""
