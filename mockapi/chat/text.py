"""Token-level text shaping shared by chat and legacy completions.

Everything here is a pure function of its inputs, so a streamed reply and a
non-streamed reply built from the same request are made of exactly the same
tokens: streaming only slices what the non-streamed body holds.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from mockapi import tokens

# A streamed content delta carries this many tokens (fewer at the end, more when
# a multi-byte character spans tokens: a piece always decodes cleanly).
TOKENS_PER_PIECE = 3
MAX_LOGPROB = 12.0


def cut_at_stop(text: str, stops: list[str]) -> tuple[str, bool]:
    """The text up to the earliest stop sequence (excluded) and whether one was found."""
    cut = -1
    for stop in stops:
        if not stop:
            continue
        at = text.find(stop)
        if at != -1 and (cut == -1 or at < cut):
            cut = at
    return (text, False) if cut == -1 else (text[:cut], True)


def truncate(text: str, limit: int, model: str) -> tuple[str, list[int], bool]:
    """``text`` cut to at most ``limit`` tokens: (text, its tokens, whether it was cut)."""
    ids = tokens.encode(text, model) if text else []
    if len(ids) <= limit:
        return text, ids, False
    kept = ids[:limit]
    return decode(kept, model), kept, True


def decode(ids: list[int], model: str) -> str:
    """Decode token ids; a character cut in half by truncation is dropped, never garbled."""
    encoding = tokens.encoding_for(model)
    return b"".join(encoding.decode_single_token_bytes(t) for t in ids).decode("utf-8", "ignore")


def pieces(ids: list[int], model: str, per_piece: int = TOKENS_PER_PIECE) -> list[tuple[str, int, int]]:
    """Split token ids into stream pieces ``(text, start, end)`` whose texts join to ``decode(ids)``.

    A piece grows past ``per_piece`` tokens until its bytes are whole UTF-8, so
    no delta ever carries half a character.
    """
    encoding = tokens.encoding_for(model)
    out: list[tuple[str, int, int]] = []
    buffer = b""
    start = 0
    for i, token in enumerate(ids):
        buffer += encoding.decode_single_token_bytes(token)
        if i + 1 - start < per_piece and i + 1 < len(ids):
            continue
        try:
            text = buffer.decode("utf-8")
        except UnicodeDecodeError:
            if i + 1 < len(ids):
                continue
            text = buffer.decode("utf-8", "ignore")
        out.append((text, start, i + 1))
        buffer, start = b"", i + 1
    return out


def split_text(text: str, model: str, per_piece: int = TOKENS_PER_PIECE) -> list[str]:
    """Stream pieces of a whole string (tool call arguments, legacy function calls)."""
    if not text:
        return []
    return [piece for piece, _, _ in pieces(tokens.encode(text, model), model, per_piece)]


# -- deterministic logprobs ------------------------------------------------------------


def token_logprobs(ids: list[int], model: str, top: int, salt: str) -> list[dict[str, Any]]:
    """Chat-style logprob entries: the same ids, top count and salt always give the same numbers."""
    encoding = tokens.encoding_for(model)
    entries = []
    for position, token in enumerate(ids):
        raw = encoding.decode_single_token_bytes(token)
        value = _logprob(salt, position, token)
        entry: dict[str, Any] = {"token": _token_text(raw), "logprob": value, "bytes": list(raw), "top_logprobs": []}
        if top:
            entry["top_logprobs"] = [
                {"token": _token_text(alt_raw), "logprob": alt_value, "bytes": list(alt_raw)}
                for alt_raw, alt_value in alternatives(encoding, token, raw, value, top, salt, position)
            ]
        entries.append(entry)
    return entries


def alternatives(
    encoding: Any, token: int, raw: bytes, value: float, top: int, salt: str, position: int
) -> list[tuple[bytes, float]]:
    """The chosen token first, then ``top - 1`` other tokens with lower logprobs."""
    found = [(raw, value)]
    seen = {raw}
    step = 1
    while len(found) < top and step < 64:
        candidate = (token + step * 7919 + position) % encoding.n_vocab
        step += 1
        try:
            alt = encoding.decode_single_token_bytes(candidate)
        except Exception:  # ids the vocabulary leaves unused
            continue
        if alt in seen or not alt:
            continue
        seen.add(alt)
        drop = 0.5 + len(found) * 1.25 + _unit(salt, position, candidate)
        found.append((alt, round(max(value - drop, -MAX_LOGPROB * 2), 6)))
    return found


def _logprob(salt: str, position: int, token: int) -> float:
    # Mostly confident tokens with an occasional less likely one, like a real model.
    unit = _unit(salt, position, token)
    return round(-(unit**4) * 4.0, 6) or 0.0  # never -0.0


def _unit(salt: str, position: int, token: int) -> float:
    digest = hashlib.blake2b(f"{salt}|{position}|{token}".encode(), digest_size=8).digest()
    return struct.unpack(">Q", digest)[0] / 2**64


def _token_text(raw: bytes) -> str:
    # A token holding part of a character shows its bytes escaped, as the real API does.
    return raw.decode("utf-8", "backslashreplace")
