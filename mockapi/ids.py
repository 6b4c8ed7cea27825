"""Object ids with the real prefixes and shapes (core.md §0, assistants.md §0)."""

from __future__ import annotations

import os
import random
import string

_BASE62 = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # ULIDs' base32

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
    "cntr_": (48, _HEX),  # the documented examples: cntr_ + 48 hex, cfile_ + 32 hex
    "cfile_": (32, _HEX),
    # Skills: skill_ + 48 hex as in real captures (skill_698ca18f012c8191836f8d22c0af11f6071496f833619f4c, a
    # 2026-02-11 hands-on transcript); version ids are not shown anywhere real, the document's example is
    # "skillver_123": the same shape (chosen).
    "skill_": (48, _HEX),
    "skillver_": (48, _HEX),
    # Custom voices: the document shows only "cons_1234" and "voice_123abc"; 24 base62 like most ids (chosen).
    "cons_": (24, _BASE62),
    "voice_": (24, _BASE62),
    "video_": (48, _HEX),
    # ChatKit: cksess_ + 48 hex (a real 404, openai/chatkit-js#66); cthr_ and cti_ + 48 hex (a captured ChatKit
    # stream, 2026-01); the document's examples show cthi_ for items, real ones are cti_.
    "cksess_": (48, _HEX),
    "cthr_": (48, _HEX),
    "cti_": (48, _HEX),  # like Responses ids (resp_ + 48 hex); the docs only show "video_123"
    # Evals: 32 hex, like the document's examples (eval_67abd54d9b0081909a86353f6fb9317a, evalrun_…, outputitem_…)
    "eval_": (32, _HEX),
    "evalrun_": (32, _HEX),
    "outputitem_": (32, _HEX),
    # Administration API groups and roles: the document's examples (group_01J1F8ABCDXYZ, role_01J1F8ROLE01) read
    # like ULIDs; a ULID's 26 Crockford base32 characters (the length chosen). Certificates (cert_abc) and spend
    # alerts (alert_abc123) show no shape: 24 base62 like most ids (chosen).
    "group_": (26, _CROCKFORD),
    "role_": (26, _CROCKFORD),
    "cert_": (24, _BASE62),
    "alert_": (24, _BASE62),
    # External key and storage configs: no id shape is published (chosen, 24 base62 like most ids).
    "ekc_": (24, _BASE62),
    "esc_": (24, _BASE62),
    # Health alert rules and alerts: no id shape is published either (chosen).
    "hrule_": (24, _BASE62),
    "halert_": (24, _BASE62),
    # Workload identity providers and their federation rules: no id shape is published (chosen).
    "wip_": (24, _BASE62),
    "wifr_": (24, _BASE62),
}


# Ids need to be unique and unguessable enough for tests, not secret: a userspace generator seeded
# from the OS (reseeded in a forked child) avoids a getrandom syscall per id on the hot path.
_rng = random.Random(os.urandom(32))
os.register_at_fork(after_in_child=lambda: _rng.seed(os.urandom(32)))
_getrandbits = _rng.getrandbits
# Random bytes -> base62 through one translate table (byte % 62: a slight bias, harmless for ids).
_TO_BASE62 = bytes(_BASE62.encode()[i % 62] for i in range(256))


def _base62(length: int) -> str:
    return _getrandbits(length * 8).to_bytes(length, "big").translate(_TO_BASE62).decode()


def new_id(prefix: str) -> str:
    """A fresh id such as ``file-52voFe6FU6MWyAwa1Uj39R``; unknown prefixes get 24 base62 chars."""
    length, alphabet = _SHAPES.get(prefix, (24, _BASE62))
    if alphabet == _HEX:
        return f"{prefix}{_getrandbits(length * 4):0{length}x}"
    if alphabet == _CROCKFORD:
        bits = _getrandbits(length * 5)
        return prefix + "".join(_CROCKFORD[(bits >> (5 * i)) & 31] for i in range(length))
    return prefix + _base62(length)


def request_id() -> str:
    return "req_" + _getrandbits(128).to_bytes(16).hex()  # 32 hex digits; cheaper than a format spec
