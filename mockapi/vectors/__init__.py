"""Vector stores: file processing on the shared clock, chunking, and deterministic search."""

from mockapi.vectors.service import VectorStoreService, install

__all__ = ["VectorStoreService", "install"]
