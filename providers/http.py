"""The one HTTP layer both APIs use: sessions, timeouts, retries, re-authentication, error mapping.

Retry policy:
- GET, PUT and DELETE are retried on 429, 500, 502, 503, 504 and on transport
  failures, with exponential backoff and full jitter, honouring ``Retry-After``;
- POST is retried only when it cannot have been processed: a 429, or a failure to
  connect at all. Any other failure of a POST is *ambiguous* and is raised to the
  caller, which looks the object up before doing anything else;
- every call stops after ``maxRetries`` retries or ``retryBudget`` seconds,
  whichever comes first; a ``Retry-After`` beyond the budget ends it at once;
- a 401 asks the connection's auth to re-authenticate once and repeats the call.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

import requests
from requests.adapters import HTTPAdapter
from tenacity import RetryCallState, Retrying, retry_if_exception, retry_if_result, stop_after_attempt
from tenacity.stop import stop_base

from .config import Timeouts
from .errors import ApiError, TransportError, redact

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
USER_AGENT = "pulumi-usergroups/1.0 (+python-requests)"


class Auth(Protocol):
    """How a connection authenticates its requests."""

    def headers(self) -> dict[str, str]:
        """Headers to send with the next request (may log in first)."""

    def refresh(self, used: dict[str, str]) -> bool:
        """After a 401 for ``used`` headers: re-authenticate and return True to repeat the call once."""


@dataclass
class ErrorBody:
    """What an API's error body says, in the API-neutral form ``ApiError`` renders."""

    title: str
    detail: str = ""
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    trace_id: str | None = None


ErrorParser = Callable[[requests.Response], ErrorBody]
HintFor = Callable[[str, str, int], str]


@dataclass
class CallStats:
    """Counters of one client, for diagnostics and tests."""

    requests: int = 0
    retries: int = 0
    reauths: int = 0


class HttpClient:
    """JSON over HTTP to one API base URL, with the retry policy above."""

    def __init__(
        self,
        api: str,
        base_url: str,
        timeouts: Timeouts,
        auth: Auth,
        parse_error: ErrorParser,
        secrets: Callable[[], Iterable[str]] = lambda: (),
        hint_for: HintFor = lambda method, path, status: "",
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.api = api
        self.base_url = base_url.rstrip("/")
        self.timeouts = timeouts
        self.auth = auth
        self._parse_error = parse_error
        self._secrets = secrets
        self._hint_for = hint_for
        self._sleep = sleep or (lambda seconds: time.sleep(seconds))
        self.stats = CallStats()
        self._stats_lock = threading.Lock()
        self._session = requests.Session()
        # The engine calls a provider from up to four threads; leave room for bursts.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self._session.trust_env = False  # no proxy or netrc surprises; TLS verification stays on

    # -- public -------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | str | None = None,
        json: Any = None,
        ok: tuple[int, ...] = (200,),
        allow: tuple[int, ...] = (),
        idempotent: bool | None = None,
    ) -> requests.Response:
        """Sends the request under the retry policy.

        Returns the response when its status is in ``ok`` or ``allow`` (for example
        404 on a read); raises ``ApiError`` for any other status and
        ``TransportError`` when no answer came.
        """
        method = method.upper()
        safe = method in IDEMPOTENT if idempotent is None else idempotent
        retrying = Retrying(
            retry=retry_if_result(lambda r: self._should_retry_status(safe, r))
            | retry_if_exception(lambda e: self._should_retry_error(safe, e)),
            wait=self._wait,
            stop=stop_after_attempt(self.timeouts.max_retries + 1) | _BudgetStop(self.timeouts.retry_budget),
            sleep=self._sleep,
            before_sleep=self._count_retry,
            retry_error_callback=lambda state: state.outcome.result(),  # the last answer, or its exception
            reraise=True,
        )
        response: requests.Response = retrying(self._send_with_reauth, method, path, params, json)
        if response.status_code in ok or response.status_code in allow:
            return response
        raise self.error(method, path, response)

    def error(self, method: str, path: str, response: requests.Response) -> ApiError:
        """The ``ApiError`` for a response, with secrets redacted."""
        try:
            body = self._parse_error(response)
        except ValueError:
            body = ErrorBody(title=response.reason or "error", detail=response.text[:300])
        secrets = list(self._secrets())
        return ApiError(
            self.api,
            method,
            path,
            response.status_code,
            redact(body.title, secrets),
            redact(body.detail, secrets),
            {k: [redact(m, secrets) for m in v] for k, v in body.field_errors.items()},
            body.trace_id,
            hint=self._hint_for(method, path, response.status_code),
        )

    # -- one attempt --------------------------------------------------------------------
    def _send_with_reauth(self, method: str, path: str, params: Any, body: Any) -> requests.Response:
        auth_headers = self.auth.headers()
        response = self._send(method, path, params, body, auth_headers)
        if response.status_code == 401 and self.auth.refresh(auth_headers):
            with self._stats_lock:
                self.stats.reauths += 1
            response = self._send(method, path, params, body, self.auth.headers())
        return response

    def _send(self, method: str, path: str, params: Any, body: Any, headers: dict[str, str]) -> requests.Response:
        with self._stats_lock:
            self.stats.requests += 1
        try:
            return self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=headers,
                timeout=(self.timeouts.connect, self.timeouts.read),
                allow_redirects=True,
            )
        except requests.exceptions.ConnectTimeout:
            raise TransportError(self.api, method, path, f"could not connect within {self.timeouts.connect:g}s", sent=False) from None
        except requests.exceptions.ReadTimeout:
            raise TransportError(self.api, method, path, f"no answer within {self.timeouts.read:g}s (read timeout)", sent=True) from None
        except requests.exceptions.SSLError as exc:
            raise TransportError(self.api, method, path, f"TLS error: {_reason(exc)}", sent=False) from None
        except requests.exceptions.ConnectionError as exc:
            sent = not _never_connected(exc)
            what = "connection lost before an answer" if sent else "could not connect"
            raise TransportError(self.api, method, path, f"{what}: {_reason(exc)}", sent=sent) from None

    # -- policy -------------------------------------------------------------------------
    def _should_retry_status(self, safe: bool, response: requests.Response) -> bool:
        if response.status_code not in RETRY_STATUSES:
            return False
        return safe or response.status_code == 429

    def _should_retry_error(self, safe: bool, exc: BaseException) -> bool:
        if not isinstance(exc, TransportError):
            return False
        return safe or not exc.sent

    def _wait(self, state: RetryCallState) -> float:
        retry_after = None
        if state.outcome is not None and not state.outcome.failed:
            retry_after = parse_retry_after(state.outcome.result().headers.get("Retry-After"))
        if retry_after is not None:
            # At least what the server asked; a little more spreads out callers that were told the same.
            return retry_after + random.uniform(0, min(1.0, 0.25 * retry_after))
        return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (state.attempt_number - 1)))

    def _count_retry(self, state: RetryCallState) -> None:
        with self._stats_lock:
            self.stats.retries += 1


class _BudgetStop(stop_base):
    """Stops when the next wait would end past the call's time budget."""

    def __init__(self, budget: float) -> None:
        self.budget = budget

    def __call__(self, state: RetryCallState) -> bool:
        spent = max(state.seconds_since_start or 0.0, state.idle_for)
        return spent + (state.upcoming_sleep or 0.0) > self.budget


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    # urllib3 wraps a refused or unreachable connection in NewConnectionError; nothing was sent then.
    text = repr(exc)
    return "NewConnectionError" in text or "Failed to establish a new connection" in text


def _reason(exc: Exception) -> str:
    text = str(exc.args[0]) if exc.args else str(exc)
    for marker in ("Connection refused", "Connection reset by peer", "Remote end closed connection without response",
                   "Connection aborted", "timed out", "Name or service not known", "certificate verify failed"):
        if marker in text:
            return marker
    return text.split(": ")[-1][:120]
