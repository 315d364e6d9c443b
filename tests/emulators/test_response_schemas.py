"""The emulators answer in the documented shapes: every response is validated against the project's OpenAPI copy."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from emulators.validation import SpecValidator

SYM = SpecValidator("symphony-usergroups.openapi.json")
SWO = SpecValidator("swo-user-groups.openapi.json")


def check(validator: SpecValidator, response, headers: dict[str, str]) -> None:
    req = response.request
    url = urlsplit(req.url)
    problems = validator.validate_response(req.method, url.path, parse_qs(url.query), headers, req.body,
                                           response.status_code, response.content)
    assert problems == [], f"{req.method} {url.path} -> {response.status_code}: {problems}"


def test_symphony_responses_match_the_spec(pod):
    h = {"sessiontoken": "static-session"}
    created = pod.post("/pod/v2/admin/usergroups", json={"name": "A", "type": "ROLE_SCOPE", "area": "X"})
    gid = created.json()["id"]
    for response in (created,
                     pod.get(f"/pod/v2/admin/usergroups/{gid}"),
                     pod.put(f"/pod/v2/admin/usergroups/{gid}", json={"active": False}),
                     pod.get("/pod/v2/admin/usergroups", params={"type": "ROLE_SCOPE", "limit": 1}),
                     pod.get("/pod/v2/admin/usergroups/unknown"),
                     pod.post("/pod/v2/admin/usergroups", json={"name": "x"})):
        check(SYM, response, h)


def test_swo_responses_match_the_spec(mpt):
    h = {"authorization": "Bearer emulator-test-token"}
    body = {"name": "Ops", "account": {"id": "ACC-1234-5678"}, "modules": [{"id": "MOD-1756"}],
            "buyers": [{"id": "BUY-1234-5678"}], "extensions": [{"id": "EXT-1"}]}
    created = mpt.post("/public/v1/accounts/user-groups", json=body)
    gid = created.json()["id"]
    update = {"name": "Ops 2", "modules": [{"id": "MOD-1001"}]}
    for response in (created,
                     mpt.get(f"/public/v1/accounts/user-groups/{gid}"),
                     mpt.put(f"/public/v1/accounts/user-groups/{gid}", json=update),
                     mpt.get('/public/v1/accounts/user-groups?eq(account.id,"ACC-1234-5678")&limit=1'),
                     mpt.get("/public/v1/accounts/user-groups/UGR-0000-0000"),
                     mpt.post("/public/v1/accounts/user-groups", json={**body, "bogus": 1})):
        check(SWO, response, h)
    assert json.loads(created.content)["revision"] == 1


def test_seed_operations_are_kept_verbatim():
    for seed, full, path, prefix in (
        ("seeds/symphony-create-user-group.openapi.json", SYM, "/v2/admin/usergroups", "/pod"),
        ("seeds/swo-create-user-group.openapi.json", SWO, "/public/v1/accounts/user-groups", ""),
    ):
        seed_doc = json.loads((full.spec_path.parent / seed).read_text())
        full_doc = json.loads(full.spec_path.read_text())
        assert full_doc["paths"][prefix + path]["post"] == seed_doc["paths"][path]["post"]
        for name, schema in seed_doc["components"]["schemas"].items():
            kept = dict(full_doc["components"]["schemas"][name])
            if "additionalProperties" not in schema:
                kept.pop("additionalProperties", None)  # the project closes request bodies; nothing else changes
            assert kept == schema, name
