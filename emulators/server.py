"""The HTTP machinery both emulators share: routing, counting, faults, admin endpoints."""

from __future__ import annotations

import copy
import json
import re
import socket
import ssl
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, TypeVar, cast
from urllib.parse import parse_qs, unquote, urlsplit

from .faults import FaultKind, FaultPlan, FaultRule
from .store import DocumentStore

T = TypeVar("T")

ADMIN_PREFIX = "/_emulator"


@dataclass
class Request:
    """One parsed API request."""

    method: str
    path: str
    raw_query: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    path_params: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class Response:
    """What a handler answers; ``body=None`` sends no content."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


@dataclass
class Route:
    """A method and path template (``{name}`` segments) with its handler."""

    method: str
    template: str
    handler: Handler
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        self.regex = re.compile(f"^{pattern}$")

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


class EmulatedApi:
    """Base of one emulated API: subclasses declare routes, auth and the error shape."""

    name = "api"
    spec_file = ""

    def __init__(self, store: DocumentStore, latency_ms: float = 0.0) -> None:
        self.store = store
        self.faults = FaultPlan()
        self.latency_ms = latency_ms
        self.counts: Counter[str] = Counter()
        self.paths: Counter[str] = Counter()
        self._count_lock = threading.Lock()
        self.settings: dict[str, Any] = {}
        self.default_settings: dict[str, Any] = {}
        self._derived: dict[str, tuple[tuple[int, str], Any]] = {}

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """What ``build`` derives from the documents (e.g. every user as the API shows them), kept until the
        next write or settings change, so that a tenant of 20,000 users is not read again for every page.
        Callers treat it as read-only."""
        key = (self.store.version, json.dumps(self.settings, sort_keys=True, default=str))
        held = self._derived.get(name)
        if held is not None and held[0] == key:
            return cast(T, held[1])
        value = build()
        if len(self._derived) > 1000:  # one entry per query asked: what is stale goes
            self._derived = {k: v for k, v in self._derived.items() if v[0] == key}
        self._derived[name] = (key, value)
        return value

    # -- to override ---------------------------------------------------------------
    def routes(self) -> list[Route]:
        raise NotImplementedError

    def error(self, status: int, message: str, **extra: Any) -> Response:
        raise NotImplementedError

    def authenticate(self, request: Request, route: Route) -> Response | None:
        """``None`` when the caller may go on, else the error to answer."""
        return None

    def validate(self, request: Request, route: Route) -> Response | None:
        return None

    def admin(self, request: Request, path: str) -> Response | None:
        """API-specific admin endpoints under ``/_emulator``; ``None`` if not handled."""
        return None

    def reset_state(self) -> None:
        self.store.clear()

    # -- shared ---------------------------------------------------------------------
    def count(self, route_name: str, path: str = "") -> None:
        with self._count_lock:
            self.counts[route_name] += 1
            # Per path too, so that a test with a group per scenario can tell each group's writes apart.
            self.paths[f"{route_name.partition(' ')[0]} {path}"] += 1

    def counters(self) -> dict[str, Any]:
        with self._count_lock:
            counts, paths = dict(self.counts), dict(self.paths)
        return {"counts": counts, "total": sum(counts.values()), "paths": paths}

    def reset_counters(self) -> None:
        with self._count_lock:
            self.counts.clear()
            self.paths.clear()

    def shared_admin(self, request: Request, path: str) -> Response:
        if path == "/health":
            return Response(200, {"status": "ok", "api": self.name, "groups": len(self.store.all())})
        if path == "/requests":
            if request.method == "DELETE":
                self.reset_counters()
                return Response(204)
            return Response(200, self.counters())
        if path == "/faults":
            if request.method == "DELETE":
                self.faults.clear()
                return Response(204)
            if request.method == "POST":
                body = request.json()
                rules = body if isinstance(body, list) else [body]
                for r in rules:
                    self.faults.add(FaultRule.model_validate(r))
                return Response(201, [r.model_dump(mode="json") for r in self.faults.rules()])
            return Response(200, [r.model_dump(mode="json") for r in self.faults.rules()])
        if path == "/release":
            return Response(200, {"released": self.faults.release()})
        if path == "/held":
            return Response(200, {"held": self.faults.held()})
        if path == "/reset":
            self.faults.clear()
            self.faults.release()
            self.reset_counters()
            if request.param("state") not in (None, "0", "false"):
                self.reset_state()
                self.settings = copy.deepcopy(self.default_settings)  # a clean slate is the documented defaults
            return Response(204)
        if path == "/settings":
            if request.method in ("POST", "PATCH"):
                changes = request.json() or {}
                unknown = set(changes) - set(self.settings) - {"latency_ms"}
                if unknown:
                    return Response(400, {"error": f"unknown settings: {sorted(unknown)}"})
                if "latency_ms" in changes:
                    self.latency_ms = float(changes.pop("latency_ms"))
                self.settings.update(changes)
            return Response(200, {**self.settings, "latency_ms": self.latency_ms})
        handled = self.admin(request, path)
        return handled if handled is not None else Response(404, {"error": f"no admin endpoint {request.method} {path}"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], api: EmulatedApi) -> None:
        self.api = api
        super().__init__(address, _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs would hold every
    # answer back about 40 ms, which no real API adds.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: counters and the request log are the record

    def _dispatch(self) -> None:
        api = self.server.api
        split = urlsplit(self.path)
        path = unquote(split.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, path, split.query, parse_qs(split.query, keep_blank_values=True), headers, b"")

        if path.startswith(ADMIN_PREFIX + "/") or path == ADMIN_PREFIX:
            request.body = self._read_body()
            self._send(api.shared_admin(request, path[len(ADMIN_PREFIX):] or "/"))
            return

        route, params = _match(api.routes(), request.method, path)
        route_name = route.name if route else f"{request.method} (unknown)"
        api.count(route_name, path)
        fault = api.faults.take(route_name, path)

        if fault and fault.kind == FaultKind.DROP_BEFORE:
            self._reset_connection()
            return
        request.body = self._read_body()
        if api.latency_ms:
            time.sleep(api.latency_ms / 1000.0)
        if fault and fault.kind in (FaultKind.LATENCY, FaultKind.SLOW):
            time.sleep(fault.delay)
        if fault and fault.kind == FaultKind.HOLD:
            api.faults.hold(fault.delay or 60.0)
        if fault and fault.kind == FaultKind.REDIRECT:
            status = fault.status if 300 <= fault.status < 400 else 307
            target = (fault.location or "").rstrip("/") + self.path
            self._send(Response(status, {"redirect": target}, {"Location": target}))
            return
        if fault and fault.kind == FaultKind.STATUS:
            response = api.error(fault.status, _STATUS_TEXT.get(fault.status, "Injected fault"))
            if fault.retry_after is not None:
                response.headers["Retry-After"] = _retry_after(fault.retry_after)
            self._send(response)
            return

        if route is None:
            response = api.error(404, f"No route for {request.method} {path}")
        else:
            request.path_params = params
            response = api.authenticate(request, route) or api.validate(request, route) or _call(api, route, request)

        if fault and fault.kind == FaultKind.DROP_AFTER:
            self._reset_connection()  # the change is committed; the answer is lost
            return
        self._send(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, response: Response) -> None:
        payload = b"" if response.body is None else json.dumps(response.body, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(response.status)
            for k, v in response.headers.items():
                self.send_header(k, v)
            if response.body is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self._headers_buffer.append(b"\r\n")  # end_headers() without its flush: one write for all
            self.wfile.write(b"".join(self._headers_buffer) + payload)
            self._headers_buffer = []
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (read timeout); nothing to do

    def _reset_connection(self) -> None:
        # SO_LINGER 0 makes close() send RST: the client sees a reset, not a clean EOF.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


def _match(routes: list[Route], method: str, path: str) -> tuple[Route | None, dict[str, str]]:
    for route in routes:
        m = route.regex.match(path)
        if m and route.method == method:
            return route, m.groupdict()
    return None, {}


def _call(api: EmulatedApi, route: Route, request: Request) -> Response:
    try:
        return route.handler(request)
    except Exception as exc:  # an emulator bug must surface as a 500, like a real server's
        return api.error(500, f"Internal error in emulator: {type(exc).__name__}: {exc}")


def _retry_after(seconds: float) -> str:
    # Retry-After is an integer number of seconds (RFC 9110); sub-second values round up to 1.
    return str(max(1, int(round(seconds)))) if seconds >= 1 else "1" if seconds > 0 else "0"


_STATUS_TEXT = {
    401: "Invalid session",
    403: "Caller lacks necessary entitlement",
    429: "Too Many Requests",
    500: "Server error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class EmulatorServer:
    """One emulated API served on 127.0.0.1 in a background thread."""

    def __init__(self, api: EmulatedApi, port: int = 0, host: str = "127.0.0.1",
                 tls: tuple[str, str] | None = None) -> None:
        """``tls``: (certificate chain PEM, private key PEM) to serve HTTPS instead of HTTP."""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the emulators listen on loopback only")
        self.api = api
        api.default_settings = copy.deepcopy(api.settings)
        self._httpd = _Server((host, port), api)
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            # The handshake runs in each request's thread, so one slow client cannot stall the others.
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                     do_handshake_on_connect=False)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=f"emulator-{api.name}", daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> "EmulatorServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self.api.store.close()
