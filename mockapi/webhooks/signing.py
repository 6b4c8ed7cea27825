"""Signing secrets and signatures as the real webhooks use them: the Standard Webhooks scheme.

The SDKs' ``webhooks.unwrap`` / ``verify_signature`` check ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
``"{webhook-id}.{webhook-timestamp}.{body}"``, keyed with the base64 after ``whsec_`` (openai-python 3.63.0
lib/_webhooks.py; the webhooks guide: "following the Standard Webhooks specification").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

PREFIX = "whsec_"


def new_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes (the length is our choice; the SDK decodes any)."""
    return PREFIX + base64.b64encode(os.urandom(32)).decode()


def hint(secret: str) -> str:
    """The masked ``signing_secret_hint`` (shape chosen: the prefix, a mask and the last four characters)."""
    return f"{PREFIX}****{secret[-4:]}"


def key_bytes(secret: str) -> bytes:
    """What the SDK keys the HMAC with: base64-decoded after ``whsec_``, else the secret's own bytes."""
    if secret.startswith(PREFIX):
        return base64.b64decode(secret[len(PREFIX) :])
    return secret.encode()


def signature(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: one ``v1,<base64>`` per live secret, space-separated (the SDK accepts
    any that matches, which is how a rotated secret kept alive for 24 hours keeps verifying)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join(
        "v1," + base64.b64encode(hmac.new(key_bytes(s), signed, hashlib.sha256).digest()).decode() for s in secrets
    )
