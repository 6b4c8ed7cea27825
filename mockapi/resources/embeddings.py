"""``POST /embeddings``: deterministic unit vectors (mockapi.media.embeddings), float or base64.

Limits as the real API enforces them (core.md §4): 1-2048 inputs, no empty
strings, at most the model's context (8192 tokens) per input and 300,000 tokens
per request; ``dimensions`` only on text-embedding-3 models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockapi import errors, tokens
from mockapi.catalog import ModelInfo
from mockapi.context import RequestContext
from mockapi.media import params

if TYPE_CHECKING:
    from mockapi.fake import Fake

MAX_INPUTS = 2048
MAX_REQUEST_TOKENS = 300_000
# Real (core.md §1.2 and an SDK repr in the wild): an empty string or a wrongly typed input.
INVALID_INPUT = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."


def install(fake: Fake) -> None:
    fake.router.add("POST", "/embeddings", create)


def create(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body
    if body.get("input") is None:
        raise errors.missing_parameter("input")
    info = params.model(ctx.ns, body, ("embedding",), "embeddings")
    encoding_format = body.get("encoding_format") or "float"
    params.check_enum("encoding_format", encoding_format, ["float", "base64"])
    dims = _dimensions(body, info)
    texts, counts = _inputs(body["input"], info)
    from mockapi.media import embeddings as vectors  # numpy: imported on first use (~0.1 s of start-up)

    render = vectors.as_base64 if encoding_format == "base64" else vectors.as_floats
    native = info.dimensions or 1536
    data = [
        {"object": "embedding", "index": i, "embedding": render(vectors.embed(text, info.id, native, dims))}
        for i, text in enumerate(texts)
    ]
    used = sum(counts)
    return {"object": "list", "data": data, "model": info.echo, "usage": {"prompt_tokens": used, "total_tokens": used}}


def _dimensions(body: dict[str, Any], info: ModelInfo) -> int | None:
    dims = params.integer(body, "dimensions")
    if dims is None:
        return None
    if not info.id.startswith("text-embedding-3"):
        raise errors.invalid_request("This model does not support specifying dimensions.")  # real, core.md §1.2
    native = info.dimensions or 1536
    params.check_range("dimensions", dims, 1, native, integer_=True)
    return dims


def _inputs(raw: Any, info: ModelInfo) -> tuple[list[str], list[int]]:
    """The texts to embed and their token counts; token arrays are decoded with the model's encoding."""
    if isinstance(raw, str):
        items: list[Any] = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(t, int) and not isinstance(t, bool) for t in raw):
        items = [raw]  # one token array
    elif isinstance(raw, list):
        items = raw
    else:
        raise errors.invalid_request(INVALID_INPUT)
    if not items:
        raise errors.empty_array("input")
    if len(items) > MAX_INPUTS:
        raise errors.array_too_long("input", MAX_INPUTS, len(items))
    texts: list[str] = []
    counts: list[int] = []
    for item in items:
        text, count = _one(item, info)
        if count > info.context:
            raise errors.invalid_request(  # real wording, core.md §1.2 (pingcap/autoflow#265)
                f"This model's maximum context length is {info.context} tokens, however you requested {count} "
                f"tokens ({count} in your prompt; 0 for the completion). Please reduce your prompt; or completion "
                "length."
            )
        texts.append(text)
        counts.append(count)
    total = sum(counts)
    if total > MAX_REQUEST_TOKENS:
        raise errors.APIError(  # real (OpenDataBox/CrackSQL#27 quotes the body)
            400, f"Requested {total} tokens, max {MAX_REQUEST_TOKENS} tokens per request",
            type="max_tokens_per_request", code="max_tokens_per_request",
        )
    return texts, counts


def _one(item: Any, info: ModelInfo) -> tuple[str, int]:
    if isinstance(item, str):
        if not item:
            raise errors.invalid_request(INVALID_INPUT)
        return item, tokens.count(item, info.id)
    if isinstance(item, list) and item and all(isinstance(t, int) and not isinstance(t, bool) for t in item):
        try:
            return tokens.decode(item, info.id), len(item)
        except (KeyError, ValueError):
            raise errors.invalid_request(INVALID_INPUT) from None
    raise errors.invalid_request(INVALID_INPUT)
