"""Turn an uploaded file into text chunks the way a vector store does: token windows with overlap.

``auto`` is 800 tokens with 400 overlap and is reported as ``static``
(assistants.md §8). Windows are cut on token boundaries (o200k_base) and
decoded byte-wise, dropping a character split across a boundary.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mockapi import errors, tokens

AUTO = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
# The file search guide's supported extensions.
SUPPORTED_EXTENSIONS = frozenset({
    ".c", ".cpp", ".cs", ".css", ".doc", ".docx", ".go", ".html", ".java", ".js", ".json", ".md", ".pdf",
    ".php", ".pptx", ".py", ".rb", ".sh", ".tex", ".ts", ".txt",
})
SUPPORTED_FILES_URL = "https://platform.openai.com/docs/assistants/tools/file-search/supported-files"
_TERM = re.compile(r"\w+", re.UNICODE)
_PRINTABLE_RUN = re.compile(rb"[\x20-\x7e\t\r\n]{4,}")


@dataclass
class Chunk:
    text: str
    terms: Counter[str] = field(default_factory=Counter)


def terms(text: str) -> list[str]:
    return [t.lower() for t in _TERM.findall(text)]


def strategy(value: Any, param: str = "chunking_strategy") -> dict[str, Any]:
    """The response form of a request's chunking strategy (400 on a bad one)."""
    if value is None:
        return AUTO
    if not isinstance(value, dict) or value.get("type") not in ("auto", "static"):
        kind = value.get("type") if isinstance(value, dict) else value
        raise errors.invalid_value(f"{param}.type", kind, ["auto", "static"])
    if value["type"] == "auto":
        return AUTO
    static = value.get("static")
    if not isinstance(static, dict):
        raise errors.missing_parameter(f"{param}.static")
    size, overlap = static.get("max_chunk_size_tokens"), static.get("chunk_overlap_tokens")
    if not isinstance(size, int) or isinstance(size, bool) or not 100 <= size <= 4096:
        raise errors.APIError(
            400, f"Invalid '{param}.static.max_chunk_size_tokens': expected an integer between 100 and 4096, "
            f"but got {size!r} instead.", param=f"{param}.static.max_chunk_size_tokens", code="invalid_value",
        )
    if not isinstance(overlap, int) or isinstance(overlap, bool) or overlap < 0 or overlap > size // 2:
        raise errors.APIError(
            400, f"Invalid '{param}.static.chunk_overlap_tokens': the overlap must be an integer between 0 and "
            f"half of max_chunk_size_tokens ({size // 2}), but got {overlap!r} instead.",
            param=f"{param}.static.chunk_overlap_tokens", code="invalid_value",
        )
    return {"type": "static", "static": {"max_chunk_size_tokens": size, "chunk_overlap_tokens": overlap}}


def extension(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower()


def check_supported(filenames: list[str], param: str) -> None:
    """400 ``unsupported_file`` for extensions file search cannot read, as the real API answers."""
    bad = sorted({extension(n) or "none" for n in filenames if extension(n) not in SUPPORTED_EXTENSIONS})
    if bad:
        raise errors.APIError(
            400, f"Files with extensions [{', '.join(bad)}] are not supported for retrieval. See {SUPPORTED_FILES_URL}",
            param=param, code="unsupported_file",
        )


def extract_text(data: bytes) -> str:
    """UTF-8 text as is; from binary formats (pdf, docx...), the printable runs."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "\n".join(run.decode("ascii") for run in _PRINTABLE_RUN.findall(data))


def chunk(text: str, strategy_obj: dict[str, Any]) -> list[Chunk]:
    static = strategy_obj["static"]
    size, overlap = static["max_chunk_size_tokens"], static["chunk_overlap_tokens"]
    encoding = tokens.encoding_for("gpt-4o")
    ids = tokens.encode(text, "gpt-4o")
    stride = max(1, size - overlap)
    pieces: list[Chunk] = []
    start = 0
    while start < len(ids):
        window = ids[start:start + size]
        piece = encoding.decode_bytes(window).decode("utf-8", errors="ignore").strip()
        if piece:
            pieces.append(Chunk(piece, Counter(terms(piece))))
        if start + size >= len(ids):
            break
        start += stride
    return pieces
