"""Symphony authentication: a service account's RSA key (JWT login) or a given session token."""

from __future__ import annotations

import threading
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from ..http import HttpClient
from .models import AuthenticateRequest, Token

LOGIN_PATH = "/login/pubkey/authenticate"
JWT_LIFETIME = 240  # seconds; the pod accepts at most 5 minutes


class StaticSessionAuth:
    """A session token given in config: sent as is; a 401 cannot be fixed by retrying."""

    def __init__(self, token: str) -> None:
        self._token = token

    def headers(self) -> dict[str, str]:
        return {"sessionToken": self._token}

    def refresh(self, used: dict[str, str]) -> bool:
        return False

    def secrets(self) -> list[str]:
        return [self._token]


class RsaSessionAuth:
    """Logs a service account in once per process with an RS512 JWT and shares the session.

    Thread-safe: concurrent calls wait for one login. After a 401 the session is
    renewed once, by whichever caller sees the expired token first.
    """

    def __init__(self, login: HttpClient, username: str, private_key: RSAPrivateKey) -> None:
        self._login = login
        self._username = username
        self._key = private_key
        self._lock = threading.Lock()
        self._header = "sessionToken"
        self._token: str | None = None

    def headers(self) -> dict[str, str]:
        with self._lock:
            if self._token is None:
                self._authenticate()
            return {self._header: self._token or ""}

    def refresh(self, used: dict[str, str]) -> bool:
        with self._lock:
            if self._token is None or used.get(self._header) == self._token:
                self._authenticate()
        return True

    def secrets(self) -> list[str]:
        return [self._token] if self._token else []

    def _authenticate(self) -> None:
        now = int(time.time())
        assertion = jwt.encode({"sub": self._username, "iat": now, "exp": now + JWT_LIFETIME, "jti": uuid.uuid4().hex},
                               self._key, algorithm="RS512")
        # A login creates nothing durable, so unlike a create it may be retried on any failure.
        r = self._login.request("POST", LOGIN_PATH, json=AuthenticateRequest(token=assertion).model_dump(),
                                idempotent=True)
        token = Token.model_validate(r.json())
        self._header, self._token = token.name or "sessionToken", token.token


class NoAuth:
    """For the login call itself."""

    def headers(self) -> dict[str, str]:
        return {}

    def refresh(self, used: dict[str, str]) -> bool:
        return False
