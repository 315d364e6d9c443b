"""Request validation against the project's OpenAPI documents, with openapi-core."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_DIR = Path(__file__).parent / "specs"


@dataclass
class _OpenApiRequest:
    """Adapts one emulator request to openapi-core's ``Request`` protocol."""

    host_url: str
    path: str
    method: str
    body: bytes | None
    content_type: str
    parameters: RequestParameters = field(default_factory=RequestParameters)


@dataclass(frozen=True)
class FieldError:
    """One validation failure: the JSON path of the field (dotted) and the rule it broke."""

    field: str
    message: str


class SpecValidator:
    """Validates requests against one OpenAPI document and reports field-level errors."""

    def __init__(self, spec_file: str) -> None:
        self.spec_path = SPEC_DIR / spec_file
        self._openapi = OpenAPI.from_file_path(str(self.spec_path))

    def validate(
        self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str], body: bytes | None
    ) -> list[FieldError]:
        """Every problem with the request, as ``FieldError``s; empty when it is valid."""
        request = _OpenApiRequest(
            host_url="http://127.0.0.1",
            path=path,
            method=method.lower(),
            body=body if body else None,
            content_type=headers.get("content-type", "application/json").lower() if body else "application/json",
            parameters=RequestParameters(
                query=ImmutableMultiDict([(k, v) for k, vs in query.items() for v in vs]),
                header=Headers(list(headers.items())),
            ),
        )
        if body:
            try:
                json.loads(body)
            except ValueError as exc:
                return [FieldError("body", f"is not valid JSON: {exc.msg}")]
        try:
            self._openapi.validate_request(request)
        except Exception as exc:  # openapi-core raises a family of validation errors
            return _field_errors(exc)
        return []


    def validate_response(self, method: str, path: str, query: Mapping[str, list[str]], headers: Mapping[str, str],
                          body: bytes | None, status: int, response_body: bytes) -> list[FieldError]:
        """Problems with an answer, checked against the documented response schema."""
        from openapi_core.testing import MockResponse

        request = _OpenApiRequest(
            host_url="http://127.0.0.1", path=path, method=method.lower(), body=body or None,
            content_type="application/json",
            parameters=RequestParameters(query=ImmutableMultiDict([(k, v) for k, vs in query.items() for v in vs]),
                                         header=Headers(list(headers.items()))))
        response = MockResponse(response_body, status_code=status, content_type="application/json")
        try:
            self._openapi.validate_response(request, response)
        except Exception as exc:
            return _field_errors(exc)
        return []


def _field_errors(exc: BaseException) -> list[FieldError]:
    errors: list[FieldError] = []
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        err = stack.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        schema_errors = getattr(err, "schema_errors", None)
        if schema_errors:
            for se in schema_errors:
                errors.extend(_from_schema_error(se))
            continue
        name = getattr(err, "name", None)
        if name and type(err).__name__.startswith("Missing"):
            errors.append(FieldError(name, "is required"))
            continue
        stack.extend([getattr(err, "__cause__", None), getattr(err, "__context__", None)])
        stack.extend(getattr(err, "errors", None) or [])
    if not errors:
        errors.append(FieldError("body", str(exc)))
    return list(dict.fromkeys(errors))  # the seed repeats one pattern in allOf; say it once


def _from_schema_error(se: Any) -> list[FieldError]:
    # A failed allOf/anyOf hides the useful errors in its context.
    if getattr(se, "context", None):
        out: list[FieldError] = []
        for sub in se.context:
            out.extend(_from_schema_error(sub))
        if out:
            return out
    path = ".".join(str(p) for p in se.absolute_path) or "body"
    if se.validator == "additionalProperties":
        extra = sorted(set(se.instance) - set(se.schema.get("properties", {}))) if isinstance(se.instance, dict) else []
        prefix = f"{path}." if path != "body" else ""
        return [FieldError(f"{prefix}{name}", "is not a known property") for name in extra] or [FieldError(path, se.message)]
    if se.validator == "required":
        missing = se.message.split("'")[1] if "'" in se.message else path
        prefix = f"{path}." if path != "body" else ""
        return [FieldError(f"{prefix}{missing}", "is required")]
    return [FieldError(path, se.message)]
