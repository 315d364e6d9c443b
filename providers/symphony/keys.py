"""Reading a service account's RSA private key, once per process."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from ..cache import shared
from ..errors import ConfigError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


def load_private_key(pem: str, key_name: str) -> "RSAPrivateKey":
    """Parses a PEM RSA private key; the error names the config key, never the key's text.

    Parsing checks the key's consistency, which is slow (tens of milliseconds), and
    ``check`` runs once per resource: a parsed key is kept for the process, by digest.
    """
    digest = hashlib.sha256(pem.encode()).hexdigest()
    return shared(("rsa-key", digest), lambda: _parse(pem, key_name))


def _parse(pem: str, key_name: str) -> "RSAPrivateKey":
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise ConfigError(key_name, "is not a valid unencrypted PEM private key") from None
    if not isinstance(key, RSAPrivateKey):
        raise ConfigError(key_name, "must be an RSA private key")
    return key
