"""Vector stores, their files, file batches and search results."""

from __future__ import annotations

from typing import Any

from mockapi_client.types.shared import APIObject


class FileCounts(APIObject):
    in_progress: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    total: int = 0


class VectorStore(APIObject):
    id: str
    object: str = "vector_store"
    created_at: int = 0
    name: str | None = None
    usage_bytes: int = 0
    file_counts: FileCounts = FileCounts()
    status: str = ""
    expires_after: dict[str, Any] | None = None
    expires_at: int | None = None
    last_active_at: int | None = None
    metadata: dict[str, str] | None = None


class VectorStoreFile(APIObject):
    id: str
    object: str = "vector_store.file"
    usage_bytes: int = 0
    created_at: int = 0
    vector_store_id: str = ""
    status: str = ""
    last_error: dict[str, Any] | None = None
    chunking_strategy: dict[str, Any] | None = None
    attributes: dict[str, Any] | None = None


class VectorStoreFileBatch(APIObject):
    id: str
    object: str = "vector_store.files_batch"
    created_at: int = 0
    vector_store_id: str = ""
    status: str = ""
    file_counts: FileCounts = FileCounts()


class SearchResult(APIObject):
    file_id: str = ""
    filename: str = ""
    score: float = 0.0
    attributes: dict[str, Any] | None = None
    content: list[dict[str, Any]] = []


class SearchResultsPage(APIObject):
    object: str = "vector_store.search_results.page"
    search_query: Any = None
    data: list[SearchResult] = []
    has_more: bool = False
    next_page: str | None = None
