"""A client for the emulators' ``/_emulator`` admin endpoints, for tests and benchmarks."""

from __future__ import annotations

from typing import Any

import requests


class EmulatorControl:
    """Drives one running emulator: faults, counters, settings and direct state changes."""

    def __init__(self, base_url: str, timeout: float = 10.0, verify: str | bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = requests.Session()
        self._http.trust_env = False  # the machine's proxy and CA variables are not the emulators'
        self._http.verify = verify  # the test CA's bundle when the emulators serve HTTPS
        self._timeout = timeout

    def _call(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        r = self._http.request(method, f"{self.base_url}/_emulator{path}", json=json, params=params or None,
                               timeout=self._timeout)
        r.raise_for_status()
        return r.json() if r.content else None

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def reset(self, state: bool = True) -> None:
        self._call("POST", "/reset", state="1" if state else "0")

    def counts(self) -> dict[str, int]:
        return self._call("GET", "/requests")["counts"]

    def path_counts(self) -> dict[str, int]:
        """Requests counted per ``"METHOD /path"`` (the concrete path, ids and all)."""
        return self._call("GET", "/requests")["paths"]

    def total(self, prefix: str = "") -> int:
        """Requests counted on routes whose name starts with ``prefix`` (e.g. ``"POST"``)."""
        return sum(n for route, n in self.counts().items() if route.startswith(prefix))

    def reset_counts(self) -> None:
        self._call("DELETE", "/requests")

    def add_fault(self, **rule: Any) -> None:
        self._call("POST", "/faults", json=rule)

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def release(self) -> int:
        """Lets the requests a ``hold`` fault is holding go on; how many there were."""
        return int(self._call("POST", "/release")["released"])

    def held(self) -> int:
        """Requests a ``hold`` fault is holding now."""
        return int(self._call("GET", "/held")["held"])

    def settings(self, **changes: Any) -> dict[str, Any]:
        return self._call("POST" if changes else "GET", "/settings", json=changes or None)

    def groups(self) -> list[dict[str, Any]]:
        return self._call("GET", "/groups")

    def seed_group(self, **group: Any) -> dict[str, Any]:
        return self._call("POST", "/groups", json=group)

    def change_group(self, group_id: str, **changes: Any) -> dict[str, Any]:
        return self._call("PATCH", f"/groups/{group_id}", json=changes)

    def remove_group(self, group_id: str) -> None:
        self._call("DELETE", f"/groups/{group_id}")

    def seed_users(self, account: str, users: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """SoftwareOne account users (``{"email": ..., "id": ..., "groups": [...]}``; every key optional)."""
        return self._call("POST", "/users", json={"account": account, "users": users})

    def set_user_groups(self, user_id: str, groups: list[str]) -> dict[str, Any]:
        """A SoftwareOne user's groups changed outside Pulumi."""
        return self._call("PATCH", f"/users/{user_id}", json={"groups": groups})

    def change_user(self, user_id: str, **changes: Any) -> dict[str, Any]:
        """A SoftwareOne account user changed in the portal: ``status`` (e.g. ``"Disabled"``) or ``email``."""
        return self._call("PATCH", f"/users/{user_id}", json=changes)

    def seed_pod_users(self, users: list[str] | list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Symphony pod users, by username or as ``{"username": ..., "location": ..., "_function": [...], ...}``
        with their directory attributes (``emulators.pod_directory``); ids are assigned by the pod."""
        return self._call("POST", "/users", json={"users": [u if isinstance(u, dict) else {"username": u}
                                                            for u in users]})

    def change_pod_user(self, user_id: int, **attributes: Any) -> dict[str, Any]:
        """A Symphony user's directory attributes changed (a move, a new title, ``_status="DISABLED"``)."""
        return self._call("PATCH", f"/users/{user_id}", json=attributes)

    def set_link(self, group_id: str, kind: str, user_id: int, active: bool = True) -> None:
        """A Symphony member (``kind="members"``) or assignee (``"assignees"``) changed in the admin portal."""
        self._call("POST", f"/groups/{group_id}/{kind}", json={"userId": user_id, "active": active})

    def set_links(self, group_id: str, kind: str, user_ids: list[int], active: bool = True) -> None:
        """Many Symphony members or assignees changed in the admin portal at once."""
        self._call("POST", f"/groups/{group_id}/{kind}", json={"userIds": user_ids, "active": active})

    def set_tokens(self, tokens: list[str]) -> None:
        """Only these API tokens (SoftwareOne) or static session tokens (Symphony) are accepted from now on."""
        self._call("POST", "/tokens", json={"tokens": tokens})

    def expire_sessions(self) -> int:
        return self._call("POST", "/sessions/expire")["expired"]
