"""Object ids with the real prefixes and shapes (core.md §0, assistants.md §0)."""

from __future__ import annotations

import base64
import secrets
import string

_BASE62 = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"

# prefix -> (separator-included prefix, random length, alphabet)
_SHAPES: dict[str, tuple[int, str]] = {
    "chatcmpl-": (29, _BASE62),
    "cmpl-": (29, _BASE62),
    "call_": (24, _BASE62),
    "file-": (22, _BASE62),
    "batch_": (32, _HEX),
    "batch_req_": (32, _HEX),
    "ftjob-": (24, _BASE62),
    "ftckpt_": (24, _BASE62),
    "ftevent-": (24, _BASE62),
    "modr-": (32, _HEX),
    "upload_": (24, _BASE62),
    "part_": (24, _BASE62),
    "req_": (32, _HEX),
    "fp_": (10, _HEX),
    "proj_": (24, _BASE62),
    "asst_": (24, _BASE62),
    "thread_": (24, _BASE62),
    "msg_": (24, _BASE62),
    "run_": (24, _BASE62),
    "step_": (24, _BASE62),
    "vs_": (24, _BASE62),
    "vsfb_": (24, _BASE62),
}


# base64 digits -> base62: the two symbols fold onto letters (a slight bias, harmless for ids).
_B64_TO_62 = str.maketrans("+/", "Ab")


def new_id(prefix: str) -> str:
    """A fresh id such as ``file-52voFe6FU6MWyAwa1Uj39R``; unknown prefixes get 24 base62 chars.

    Built from one ``token_bytes`` call: per-character ``secrets.choice`` cost ~3 µs a character.
    """
    length, alphabet = _SHAPES.get(prefix, (24, _BASE62))
    if alphabet == _HEX:
        return prefix + secrets.token_hex((length + 1) // 2)[:length]
    raw = base64.b64encode(secrets.token_bytes(length * 3 // 4 + 3)).decode()
    return prefix + raw.translate(_B64_TO_62)[:length]


def request_id() -> str:
    return "req_" + secrets.token_hex(16)
