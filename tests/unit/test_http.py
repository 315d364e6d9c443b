"""The shared HTTP layer: retry policy, time budget, re-authentication, error mapping."""

from __future__ import annotations

import pytest
import requests
import responses

from providers.config import Settings, Timeouts
from providers.errors import ApiError, TransportError
from providers.http import ErrorBody, HttpClient, parse_retry_after

URL = "https://api.example.test"


class CountingAuth:
    def __init__(self, refreshable: bool = True) -> None:
        self.token, self.refreshes, self.refreshable = "t1", 0, refreshable

    def headers(self):
        return {"X-Token": self.token}

    def refresh(self, used):
        self.refreshes += 1
        self.token = f"t{self.refreshes + 1}"
        return self.refreshable


def client(auth=None, **timeouts) -> HttpClient:
    settings = Settings("t", {f"t:{k}": str(v) for k, v in {"maxRetries": 3, "retryBudget": 30, **timeouts}.items()})
    return HttpClient("Test API", URL, Timeouts(settings), auth or CountingAuth(),
                      lambda r: ErrorBody(title=r.json().get("title", "error"), trace_id=r.json().get("traceId")),
                      secrets=lambda: ["super-secret-value"])


def test_get_retries_5xx_until_success(rsps):
    for status in (500, 502, 503):
        rsps.get(f"{URL}/x", status=status, json={"title": "err"})
    rsps.get(f"{URL}/x", json={"ok": True})
    c = client()
    assert c.request("GET", "/x").json() == {"ok": True}
    assert len(rsps.calls) == 4  # three retries, then the success


def test_post_is_not_retried_on_5xx_or_after_sending(rsps):
    rsps.post(f"{URL}/x", status=502, json={"title": "Bad Gateway"})
    with pytest.raises(ApiError, match="502"):
        client().request("POST", "/x")
    assert len(rsps.calls) == 1
    rsps.replace(responses.POST, f"{URL}/x", body=requests.exceptions.ConnectionError("Connection reset by peer"))
    with pytest.raises(TransportError) as exc:
        client().request("POST", "/x")
    assert exc.value.sent is True and len(rsps.calls) == 2


def test_post_is_retried_on_503_which_says_it_was_not_handled(rsps):
    rsps.post(f"{URL}/x", status=503, json={"title": "Service Unavailable"})
    rsps.post(f"{URL}/x", json={"id": 2}, status=201)
    assert client().request("POST", "/x", ok=(201,)).json() == {"id": 2} and len(rsps.calls) == 2


def test_post_is_retried_on_429_and_when_never_connected(rsps):
    rsps.post(f"{URL}/x", status=429, headers={"Retry-After": "1"}, json={"title": "slow down"})
    rsps.post(f"{URL}/x", body=requests.exceptions.ConnectionError("NewConnectionError: Connection refused"))
    rsps.post(f"{URL}/x", json={"id": 1}, status=201)
    assert client().request("POST", "/x", ok=(201,)).json() == {"id": 1}
    assert len(rsps.calls) == 3


def test_retry_after_beyond_budget_stops_at_once(rsps, no_sleep):
    rsps.get(f"{URL}/x", status=429, headers={"Retry-After": "120"}, json={"title": "Too Many Requests"})
    with pytest.raises(ApiError, match="429"):
        client(retryBudget=10).request("GET", "/x")
    assert len(rsps.calls) == 1 and no_sleep == []


def test_budget_bounds_total_wait(rsps, no_sleep):
    rsps.get(f"{URL}/x", status=503, headers={"Retry-After": "4"}, json={"title": "down"})  # 4-5 s each
    with pytest.raises(ApiError):
        client(maxRetries=50, retryBudget=10).request("GET", "/x")
    assert sum(no_sleep) <= 10 and len(rsps.calls) >= 2


def test_backoff_is_jittered_and_capped(rsps, no_sleep):
    rsps.get(f"{URL}/x", status=502, json={"title": "bad gateway"})
    with pytest.raises(ApiError):
        client(maxRetries=6, retryBudget=1000).request("GET", "/x")
    assert len(no_sleep) == 6 and all(0 <= w <= 8 for w in no_sleep)


def test_401_refreshes_once(rsps):
    rsps.get(f"{URL}/x", status=401, json={"title": "expired"})
    rsps.get(f"{URL}/x", json={"ok": 1})
    auth = CountingAuth()
    c = client(auth)
    assert c.request("GET", "/x").status_code == 200
    assert auth.refreshes == 1 and rsps.calls[1].request.headers["X-Token"] == "t2"
    rsps.replace(responses.GET, f"{URL}/x", status=401, json={"title": "still expired"})
    with pytest.raises(ApiError, match="401"):
        c.request("GET", "/x")
    assert auth.refreshes == 2  # once per call, not a loop


def test_error_is_one_line_with_trace_and_redacted(rsps):
    rsps.put(f"{URL}/x", status=400, json={"title": "bad\nvalue super-secret-value", "traceId": "tr-1"})
    with pytest.raises(ApiError) as exc:
        client().request("PUT", "/x")
    text = str(exc.value)
    assert text == "Test API: PUT /x -> 400 bad value *** [traceId tr-1]"


def test_timeouts_are_transport_errors(rsps):
    rsps.get(f"{URL}/x", body=requests.exceptions.ReadTimeout())
    with pytest.raises(TransportError, match="read timeout"):
        client(maxRetries=0).request("GET", "/x")


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


@pytest.mark.parametrize("status", [301, 302, 303])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_redirect_never_turns_a_write_into_a_read(rsps, status, method):
    rsps.add(method, f"{URL}/groups/g1/memberships", status=status, headers={"Location": f"{URL}/elsewhere"})
    rsps.add("GET", f"{URL}/elsewhere", json={"ok": True})
    with pytest.raises(TransportError, match=f"answered {status} with a redirect to {URL}/elsewhere, which would "
                                             f"resend this {method} as a GET"):
        client().request(method, "/groups/g1/memberships", json=[{"username": "alice"}])
    assert [c.request.method for c in rsps.calls] == [method]  # one attempt, never the GET


def test_a_same_origin_307_is_followed_with_the_same_method_and_body(rsps):
    rsps.add("PUT", f"{URL}/old", status=307, headers={"Location": f"{URL}/new"})
    rsps.add("PUT", f"{URL}/new", json={"done": True})
    assert client().request("PUT", "/old", json={"active": True}).json() == {"done": True}
    assert [(c.request.method, c.request.body) for c in rsps.calls] == [("PUT", b'{"active": true}')] * 2


def test_a_body_never_follows_a_redirect_to_another_origin(rsps):
    rsps.add("POST", f"{URL}/login/pubkey/authenticate", status=307,
             headers={"Location": "https://collector.example.test/steal"})
    rsps.add("POST", "https://collector.example.test/steal", json={"token": "x"})
    with pytest.raises(TransportError, match="another origin; a request body is never sent there"):
        client().request("POST", "/login/pubkey/authenticate", json={"token": "signed.jwt.value"})
    assert [c.request.url for c in rsps.calls] == [f"{URL}/login/pubkey/authenticate"]


def test_a_429_pauses_every_request_of_the_client_not_only_the_one_told(rsps, no_sleep):
    rsps.put(f"{URL}/a", status=429, headers={"Retry-After": "2"}, json={"title": "slow down"})
    rsps.put(f"{URL}/b", json={})
    c = client(maxRetries=0)
    with pytest.raises(ApiError, match="429"):
        c.request("PUT", "/a")  # the writer told gives up at once (no retries here) ...
    assert no_sleep == []
    c.request("PUT", "/b")  # ... and another, sent next, waits out the Retry-After first
    assert len(no_sleep) == 1 and 1.9 < no_sleep[0] <= 2.0, no_sleep
    assert len(rsps.calls) == 2


def test_a_retry_after_beyond_the_budget_pauses_nobody(rsps, no_sleep):
    rsps.get(f"{URL}/a", status=429, headers={"Retry-After": "120"}, json={"title": "Too Many Requests"})
    rsps.get(f"{URL}/b", json={})
    c = client()
    with pytest.raises(ApiError, match="429"):
        c.request("GET", "/a")
    no_sleep.clear()
    c.request("GET", "/b")
    assert no_sleep == []


def test_writers_is_a_bounded_connection_setting():
    assert Timeouts().writers == 8
    assert Timeouts(Settings("t", {"t:writers": "3"})).writers == 3
    with pytest.raises(Exception, match="t:writers.*at most 32"):
        Timeouts(Settings("t", {"t:writers": "64"}))
