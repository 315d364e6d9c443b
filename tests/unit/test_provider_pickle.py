"""What Pulumi stores as ``__provider``: no credential, and loadable in a fresh process in the project root."""

from __future__ import annotations

import base64
import subprocess
import sys

import pytest
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.dynamic.dynamic import serialize_provider

from providers.swo.members import SwoUserGroupMemberProvider, SwoUserGroupMembersProvider
from providers.swo.provider import SwoUserGroupProvider
from providers.symphony.members import (
    SymphonyUserGroupAssignmentProvider,
    SymphonyUserGroupMemberProvider,
    SymphonyUserGroupMembersProvider,
)
from providers.symphony.provider import SymphonyUserGroupProvider
from tests.harness import ROOT

SECRETS = {"swo:apiToken": "idt:TKN-1111-2222:pickle-secret", "symphony:sessionToken": "pickle-session-secret",
           "symphony:botPrivateKey": "-----BEGIN PRIVATE KEY-----\nPICKLEKEYFRAGMENT\n-----END PRIVATE KEY-----"}


@pytest.mark.parametrize("cls", [SwoUserGroupProvider, SymphonyUserGroupProvider, SwoUserGroupMembersProvider,
                                 SwoUserGroupMemberProvider, SymphonyUserGroupMembersProvider,
                                 SymphonyUserGroupMemberProvider, SymphonyUserGroupAssignmentProvider])
def test_blob_has_no_secret_and_loads_in_a_fresh_process(cls):
    provider = cls()
    provider.configure(ConfigureRequest(Config(SECRETS, "usergroups")))  # even a configured one
    blob = serialize_provider(provider)
    raw = base64.b64decode(blob)
    for secret in ("pickle-secret", "pickle-session-secret", "PICKLEKEYFRAGMENT"):
        assert secret.encode() not in raw
    code = ("import base64,sys,dill; p=dill.loads(base64.b64decode(sys.stdin.read())); "
            "print(type(p).__module__, type(p).__name__, sorted(vars(p)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, input=blob, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == [cls.__module__, cls.__name__]
    assert out.stdout.strip().endswith("[]")  # no attributes at all travel with it
