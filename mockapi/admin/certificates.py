"""Reading an uploaded certificate: the PEM's first X.509 certificate and its validity window.

``certificate_details.valid_at`` and ``expires_at`` are the certificate's own notBefore and notAfter, read from
its DER (no crypto library: a walk over the few TLV headers before the validity; nothing is verified).
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

PEM = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.DOTALL)
SEQUENCE, INTEGER, UTC_TIME, GENERALIZED_TIME, VERSION = 0x30, 0x02, 0x17, 0x18, 0xA0


class NotACertificate(ValueError):
    """The text is not a PEM-encoded X.509 certificate."""


def validity(pem: str) -> tuple[int, int]:
    """(notBefore, notAfter) of the first certificate in ``pem``, as Unix seconds."""
    found = PEM.search(pem)
    if found is None:
        raise NotACertificate("no PEM certificate block")
    try:
        der = base64.b64decode("".join(found.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        raise NotACertificate("the PEM block is not base64") from None
    try:
        cert_start, _ = _enter(der, 0, SEQUENCE)
        at, _ = _enter(der, cert_start, SEQUENCE)  # tbsCertificate
        if der[at] == VERSION:
            at = _skip(der, at)
        for tag in (INTEGER, SEQUENCE, SEQUENCE):  # serialNumber, signature, issuer
            if der[at] != tag:
                raise NotACertificate("unexpected field before the validity")
            at = _skip(der, at)
        at, _ = _enter(der, at, SEQUENCE)  # validity
        not_before, at = _time(der, at)
        not_after, _ = _time(der, at)
    except IndexError:
        raise NotACertificate("truncated DER") from None
    return not_before, not_after


def _header(der: bytes, at: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at ``at``."""
    tag, length = der[at], der[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4:
            raise NotACertificate("unsupported DER length")
        length = int.from_bytes(der[at: at + count], "big")
        at += count
    if at + length > len(der):
        raise NotACertificate("truncated DER")
    return tag, at, at + length


def _enter(der: bytes, at: int, tag: int) -> tuple[int, int]:
    found, start, end = _header(der, at)
    if found != tag:
        raise NotACertificate("unexpected DER structure")
    return start, end


def _skip(der: bytes, at: int) -> int:
    return _header(der, at)[2]


def _time(der: bytes, at: int) -> tuple[int, int]:
    tag, start, end = _header(der, at)
    text = der[start:end].decode("ascii", "replace")
    try:
        if tag == UTC_TIME:  # YYMMDDHHMMSSZ, years 1950-2049
            moment = datetime.strptime(text, "%y%m%d%H%M%SZ")
            if moment.year >= 2050:
                moment = moment.replace(year=moment.year - 100)
        elif tag == GENERALIZED_TIME:
            moment = datetime.strptime(text, "%Y%m%d%H%M%SZ")
        else:
            raise NotACertificate("unexpected validity time")
    except ValueError:
        raise NotACertificate("unreadable validity time") from None
    return int(moment.replace(tzinfo=UTC).timestamp()), end
