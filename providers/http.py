"""The one HTTP layer both APIs use: sessions, timeouts, retries, re-authentication, error mapping.

Retry policy:
- GET, PUT and DELETE are retried on 429, 500, 502, 503, 504 and on transport
  failures, with exponential backoff and full jitter, honouring ``Retry-After``;
- POST is retried only when it cannot have been processed: a 429 or 503, or a
  failure to connect at all. Any other failure of a POST is *ambiguous* and is raised to the
  caller, which looks the object up before doing anything else;
- every call stops after ``maxRetries`` retries or ``retryBudget`` seconds,
  whichever comes first; a ``Retry-After`` beyond the budget ends it at once;
- a 429's ``Retry-After`` pauses every request of the client (all the people writers), so
  a burst slows them all down instead of failing one;
- a 401 asks the connection's auth to re-authenticate once and repeats the call.

Network: each client goes through its connection's proxy (``providers.network``)
unless ``NO_PROXY`` names the host, and verifies TLS against the public authorities
plus the connection's CA bundle; verification is never off. Redirects are followed
only to https (or loopback), and authentication headers are sent to the configured
origin only: a redirect to any other scheme, host or port drops them. A write is never
turned into a read (a 301/302/303 to a POST, PUT or DELETE fails, naming the request), and a
request body never follows a redirect to another origin; a 307/308 to the same origin is
followed with the same method and body.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from time import monotonic  # one name, so that tests move the pause's clock with their stubbed sleep
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.utils import should_bypass_proxies
from tenacity import (RetryCallState, Retrying, retry_if_exception, retry_if_result, stop_after_attempt,
                      stop_before_delay)

from .config import Timeouts, is_loopback, redact_url
from .errors import ApiError, TransportError, redact
from .network import Network

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
USER_AGENT = "pulumi-usergroups/1.0 (+python-requests)"



def segment(value: object) -> str:
    """One path segment: every character that could end it or climb out of it (``/``, ``?``, ``#``, ``%``,
    ``..``) percent-encoded, so an id can never address another route."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text.strip(".") == "" else text

class Auth(Protocol):
    """How a connection authenticates its requests."""

    def headers(self) -> dict[str, str]:
        """Headers to send with the next request (may log in first)."""

    def refresh(self, used: dict[str, str]) -> bool:
        """After a 401 for ``used`` headers: re-authenticate and return True to repeat the call once."""

    def secrets(self) -> list[str]:
        """The credentials in use, so that no message ever shows them."""


@dataclass
class ErrorBody:
    """What an API's error body says, in the API-neutral form ``ApiError`` renders."""

    title: str
    detail: str = ""
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    trace_id: str | None = None


ErrorParser = Callable[[requests.Response], ErrorBody]
HintFor = Callable[[str, str, int], str]


class RedirectRefused(requests.exceptions.RequestException):
    """A redirect this client will not follow (to plain http on a non-loopback host)."""


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


WRITES = ("POST", "PUT", "PATCH", "DELETE")
# Every header either API authenticates with; none of them follows a redirect to another origin.
CREDENTIAL_HEADERS = ("Authorization", "sessionToken", "keyManagerToken", "Proxy-Authorization")


class _OriginSession(requests.Session):
    """A session whose credentials stay with one origin, whatever the redirects say."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self._origin = _origin(base_url)

    def rebuild_method(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        # A write is never turned into a read: requests would follow a 301/302/303 to a POST, PUT or DELETE
        # as a GET, whose 200 would then pass for the write's success while nothing was written.
        method = (prepared_request.method or "").upper()
        target = redact_url(prepared_request.url or "")
        if method in WRITES and response.status_code in (301, 302, 303):
            raise RedirectRefused(f"the API answered {response.status_code} with a redirect to {target}, which would "
                                  f"resend this {method} as a GET and lose the write; not followed")
        # A body (the login's signed JWT, a write's data) never goes to another origin.
        if prepared_request.body and _origin(prepared_request.url or "") != self._origin:
            raise RedirectRefused(f"the API answered {response.status_code} with a redirect to {target}, another "
                                  "origin; a request body is never sent there, so it was not followed")
        super().rebuild_method(prepared_request, response)

    def rebuild_auth(self, prepared_request: requests.PreparedRequest, response: requests.Response) -> None:
        target = urlsplit(prepared_request.url or "")
        if target.scheme != "https" and not is_loopback(target.hostname or ""):
            raise RedirectRefused(f"redirected to {target.scheme}://{target.hostname}, which is not https; not followed")
        if _origin(prepared_request.url or "") != self._origin:
            for name in CREDENTIAL_HEADERS:
                prepared_request.headers.pop(name, None)  # the headers mapping ignores case
        super().rebuild_auth(prepared_request, response)


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
        network: Network | None = None,
    ) -> None:
        self.api = api
        self.base_url = base_url.rstrip("/")
        self.timeouts = timeouts
        self.auth = auth
        self._parse_error = parse_error
        self.network = network or Network()
        self._secrets = lambda: [*secrets(), *self.network.secrets()]
        self._hint_for = hint_for
        self._session = _OriginSession(self.base_url)
        self._pause_lock = threading.Lock()
        self._resume_at = 0.0  # monotonic time before which no request is sent (a 429's Retry-After)
        # The engine calls a provider from up to four threads; leave room for bursts.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(16, timeouts.writers + 4), max_retries=0)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        # Proxy and CA environment variables are read by providers.network, with a documented
        # precedence; requests' own reading (and .netrc) would bypass it.
        self._session.trust_env = False
        self._session.verify = self.network.verify()
        self._proxies = self.network.proxies()
        if self._proxies and should_bypass_proxies(self.base_url, no_proxy=self.network.no_proxy or ""):
            self._proxies = {}

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
            # A wait that would end past the budget (a long Retry-After) stops the call at once.
            stop=stop_after_attempt(self.timeouts.max_retries + 1) | stop_before_delay(self.timeouts.retry_budget),
            sleep=lambda seconds: time.sleep(seconds),  # looked up per call, so tests can stub it
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
        self._wait_for_pause()
        auth_headers = self.auth.headers()
        response = self._send(method, path, params, body, auth_headers)
        if response.status_code == 401 and self.auth.refresh(auth_headers):
            response = self._send(method, path, params, body, self.auth.headers())
        if response.status_code == 429:
            self._pause(parse_retry_after(response.headers.get("Retry-After")))
        return response

    def _pause(self, seconds: float | None) -> None:
        """A 429 is the API's word to the whole client: every thread waits it out, not only the one told."""
        if seconds is not None and 0 < seconds <= self.timeouts.retry_budget:
            with self._pause_lock:
                self._resume_at = max(self._resume_at, monotonic() + seconds)

    def _wait_for_pause(self) -> None:
        wait = self._resume_at - monotonic()
        if wait > 0:
            time.sleep(wait)

    def _send(self, method: str, path: str, params: Any, body: Any, headers: dict[str, str]) -> requests.Response:
        try:
            return self._session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                headers=headers,
                timeout=(self.timeouts.connect, self.timeouts.read),
                allow_redirects=True,
                proxies=self._proxies,
            )
        except requests.exceptions.ConnectTimeout:
            raise TransportError(self.api, method, path, f"could not connect within {self.timeouts.connect:g}s", sent=False) from None
        except requests.exceptions.ReadTimeout:
            raise TransportError(self.api, method, path, f"no answer within {self.timeouts.read:g}s (read timeout)", sent=True) from None
        except requests.exceptions.ProxyError as exc:
            reason, retryable = self._proxy_failure(exc)
            raise TransportError(self.api, method, path, reason, sent=False, retryable=retryable) from None
        except requests.exceptions.SSLError as exc:
            reason, retryable = self._tls_failure(exc)
            raise TransportError(self.api, method, path, reason, sent=False, retryable=retryable) from None
        except RedirectRefused as exc:
            raise TransportError(self.api, method, path, str(exc), sent=True, retryable=False) from None
        except requests.exceptions.ConnectionError as exc:
            sent = not _never_connected(exc)
            what = "connection lost before an answer" if sent else "could not connect"
            reason = redact(_reason(exc), list(self._secrets()))
            raise TransportError(self.api, method, path, f"{what}: {reason}", sent=sent) from None

    def _tls_failure(self, exc: Exception) -> tuple[str, bool]:
        host = urlsplit(self.base_url).hostname
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
            detail = text.split("certificate verify failed:", 1)[-1].split("(_ssl")[0].strip(" )'\"") or "unknown issuer"
            using = f"the public authorities plus {self.network.ca_bundle}" if self.network.ca_bundle else "the public authorities"
            return (f"the TLS certificate of {host} could not be verified ({detail}; trusted: {using}); if a proxy or "
                    f"certificate authority of your organisation re-signs TLS, set {self.network.ca_setting} to its "
                    "CA bundle (PEM), or set REQUESTS_CA_BUNDLE"), False
        return f"TLS error with {host}: {redact(_reason(exc), list(self._secrets()))}", True

    def _proxy_failure(self, exc: Exception) -> tuple[str, bool]:
        """The message, and whether a retry can help (refused credentials stay refused)."""
        shown = self.network.shown_proxy()
        source = f" (from {self.network.proxy_setting})" if self.network.proxy_setting else ""
        if "407" in str(exc):
            return (f"the proxy {shown}{source} refused the credentials (407 Proxy Authentication Required); check "
                    "the user and password in the proxy URL"), False
        return f"could not use the proxy {shown}{source}: {redact(_reason(exc), list(self._secrets()))}", True

    # -- policy -------------------------------------------------------------------------
    def _should_retry_status(self, safe: bool, response: requests.Response) -> bool:
        if response.status_code not in RETRY_STATUSES:
            return False
        # 429 and 503 say the request was not handled, so even a create may be sent again.
        return safe or response.status_code in (429, 503)

    def _should_retry_error(self, safe: bool, exc: BaseException) -> bool:
        if not isinstance(exc, TransportError) or not exc.retryable:
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
