"""Object ids with the real prefixes and shapes (core.md §0, assistants.md §0)."""

from __future__ import annotations

import secrets
import string

_BASE62 = string.ascii_letters + string.digits

# prefix -> (separator-included prefix, random length, alphabet)
_SHAPES: dict[str, tuple[int, str]] = {
    "chatcmpl-": (29, _BASE62),
    "cmpl-": (29, _BASE62),
    "call_": (24, _BASE62),
    "file-": (22, _BASE62),
    "batch_": (32, "0123456789abcdef"),
    "batch_req_": (32, "0123456789abcdef"),
    "ftjob-": (24, _BASE62),
    "ftckpt_": (24, _BASE62),
    "ftevent-": (24, _BASE62),
    "modr-": (32, "0123456789abcdef"),
    "upload_": (24, _BASE62),
    "part_": (24, _BASE62),
    "req_": (32, "0123456789abcdef"),
    "fp_": (10, "0123456789abcdef"),
    "proj_": (24, _BASE62),
    "asst_": (24, _BASE62),
    "thread_": (24, _BASE62),
    "msg_": (24, _BASE62),
    "run_": (24, _BASE62),
    "step_": (24, _BASE62),
    "vs_": (24, _BASE62),
    "vsfb_": (24, _BASE62),
}


def new_id(prefix: str) -> str:
    """A fresh id such as ``file-52voFe6FU6MWyAwa1Uj39R``; unknown prefixes get 24 base62 chars."""
    length, alphabet = _SHAPES.get(prefix, (24, _BASE62))
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def request_id() -> str:
    return "req_" + secrets.token_hex(16)
