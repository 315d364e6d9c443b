"""The errors providers raise: each renders as one line a user can act on, with no secret in it."""

from __future__ import annotations

from typing import Any, Iterable, Mapping


class ProviderError(Exception):
    """Base of every error the providers raise on purpose.

    ``definite`` is true when the failed request certainly changed nothing (the API refused it, or it
    never left): no late commit can follow it. Anything else may still be applied by the server later.
    """

    definite: bool = False


class ConfigError(ProviderError):
    """Connection settings are missing or invalid; names the config key to fix."""

    def __init__(self, key: str, problem: str) -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key}: {problem}")


class ApiError(ProviderError):
    """A call to the remote API failed with an HTTP status.

    ``str()`` gives: ``<API>: <METHOD> <path> -> <status> <title>: <detail>; <field errors> (traceId ...)``.
    """

    def __init__(
        self,
        api: str,
        method: str,
        path: str,
        status: int,
        title: str,
        detail: str = "",
        field_errors: dict[str, list[str]] | None = None,
        trace_id: str | None = None,
        hint: str = "",
    ) -> None:
        self.api, self.method, self.path, self.status = api, method, path, status
        self.title, self.detail, self.field_errors, self.trace_id = title, detail, field_errors or {}, trace_id
        self.hint = hint
        self.definite = 400 <= status < 500  # refused; a 5xx may have been applied before it failed
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"{self.api}: {self.method} {self.path} -> {self.status} {self.title}".rstrip()
        if self.detail and self.detail != self.title:
            text += f": {self.detail}"
        if self.field_errors:
            text += "; " + "; ".join(f"{k}: {', '.join(v)}" for k, v in self.field_errors.items())
        if self.hint:
            text += f" ({self.hint})"
        if self.trace_id:
            text += f" [traceId {self.trace_id}]"
        return " ".join(text.split())  # one line, whatever the API put in its message


class TransportError(ProviderError):
    """No HTTP answer: connection refused, reset, dropped, or timed out.

    ``sent`` tells whether the request may have reached the server: after a
    POST with ``sent=True`` the outcome is unknown and must be looked up.
    ``retryable`` is false for what a retry cannot change (a certificate that does
    not verify, a proxy that refuses the credentials, a refused redirect).
    """

    def __init__(self, api: str, method: str, path: str, reason: str, sent: bool, retryable: bool = True) -> None:
        self.api, self.method, self.path, self.reason, self.sent = api, method, path, reason, sent
        self.retryable = retryable
        # Never sent, or answered with something refused before any body went on (a redirect, a certificate).
        self.definite = not sent or not retryable
        super().__init__(f"{api}: {method} {path} failed: {reason}")


TAG_MARK = "~"  # prefixes pydantic union tags (``Tag("~list")``), which ``field_path`` leaves out


def some(values: Iterable[str], limit: int = 5) -> str:
    """The first ``limit`` values and how many more: a message about thousands of people stays one line."""
    items = list(values)
    head = ", ".join(items[:limit])
    return head + (f" and {len(items) - limit} more" if len(items) > limit else "")


def field_path(loc: Iterable[Any]) -> str:
    """A pydantic error location as users write it: ``modules[0]``, ``account.id``."""
    out = ""
    for part in loc:
        if isinstance(part, str) and part.startswith(TAG_MARK):
            continue  # which form of a union was tried: not a place users write
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "inputs"


def field_message(err: Mapping[str, Any], noun: str = "field") -> str:
    """A pydantic error's message in one phrase (``is required``, ``is not a known field``, ...)."""
    kind = err.get("type")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"is not a known {noun}"
    msg = str(err.get("msg", "is invalid"))
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret of six characters or more replaced by ``***``.

    Shorter values are left alone: replacing them would mangle ordinary words.
    """
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return text
