"""Helpers for provider unit tests: configured providers and captured requests."""

from __future__ import annotations

import json
from typing import Any

import responses
from pulumi.dynamic import Config, ConfigureRequest

from providers import cache

SWO_URL = "https://swo.example.test"
POD_URL = "https://acme.symphony.example.test"
SWO_TOKEN = "idt:TKN-9999-0000:unit-test-secret-token"
SESSION = "unit-test-session-token-123456"

FAST = {"retryBudget": "5", "maxRetries": "3", "readTimeout": "2", "connectTimeout": "1"}


def configured(provider_cls: type, config: dict[str, str]) -> Any:
    cache.clear()
    provider = provider_cls()
    provider.configure(ConfigureRequest(Config(config, "usergroups")))
    return provider


def body(call: Any) -> Any:
    return json.loads(call.request.body) if call.request.body else None


def calls(rsps: responses.RequestsMock, method: str, fragment: str = "") -> list[Any]:
    return [c for c in rsps.calls if c.request.method == method and fragment in c.request.url]
