"""Embeddings. Vectors arrive as float lists, or as base64 of little-endian float32 (decoded here)."""

from __future__ import annotations

import base64
import struct

from mockapi_client.types.shared import APIObject, CompletionUsage


class Embedding(APIObject):
    object: str = "embedding"
    index: int = 0
    embedding: list[float] | str = []

    def vector(self) -> list[float]:
        if isinstance(self.embedding, str):
            raw = base64.b64decode(self.embedding)
            return list(struct.unpack(f"<{len(raw) // 4}f", raw))
        return self.embedding


class CreateEmbeddingResponse(APIObject):
    object: str = "list"
    data: list[Embedding] = []
    model: str = ""
    usage: CompletionUsage | None = None
