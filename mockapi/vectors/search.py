"""Deterministic, relevant search over stored chunks: tf-idf cosine similarity, plus attribute filters.

The score of a chunk is the cosine between the query's and the chunk's term
vectors, weighted by inverse document frequency over the chunks searched, so
it lies in [0, 1], rises with shared rare words and is the same on every run.
Ties go to the earlier file, then the earlier chunk.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockapi import errors
from mockapi.vectors.chunking import Chunk, terms

STOPWORDS = frozenset(
    "a an and are as at be by can do does for from how i in is it me my of on or please show tell that the this "
    "to was what when where which who why will with you your".split()
)


@dataclass
class Hit:
    file_id: str
    filename: str
    score: float
    text: str
    attributes: dict[str, Any] | None
    order: tuple[int, int]


def rewrite(query: str) -> str:
    """``rewrite_query``: the query's keywords, as a search engine would keep them."""
    kept = [t for t in terms(query) if t not in STOPWORDS]
    return " ".join(kept) or query


def rank(
    candidates: Iterable[tuple[Any, int, Chunk]], queries: list[str], limit: int, threshold: float = 0.0,
) -> list[tuple[float, Any, int, Chunk]]:
    """``candidates``: (file record, file order, chunk). Returns the best ``limit`` with score > 0."""
    pool = list(candidates)
    if not pool:
        return []
    document_frequency: Counter[str] = Counter()
    for _, _, piece in pool:
        document_frequency.update(piece.terms.keys())
    total = len(pool)

    def idf(term: str) -> float:
        return math.log((total + 1) / (document_frequency.get(term, 0) + 1)) + 1.0

    query_terms: Counter[str] = Counter()
    for query in queries:
        query_terms.update(t for t in terms(query) if t not in STOPWORDS or len(terms(query)) == 1)
    query_vector = {t: c * idf(t) for t, c in query_terms.items()}
    query_norm = math.sqrt(sum(v * v for v in query_vector.values()))
    if query_norm == 0:
        return []
    scored = []
    for index, (record, order, piece) in enumerate(pool):
        dot = sum(weight * piece.terms.get(term, 0) * idf(term) for term, weight in query_vector.items())
        if dot <= 0:
            continue
        norm = math.sqrt(sum((c * idf(t)) ** 2 for t, c in piece.terms.items()))
        score = round(min(1.0, dot / (query_norm * norm)), 6)
        if score >= threshold:
            scored.append((-score, order, index, score, record, piece))
    scored.sort(key=lambda item: (item[0], item[1], item[2]))
    return [(score, record, order, piece) for _, order, _, score, record, piece in scored[:limit]]


# -- attribute filters ------------------------------------------------------------------------------

COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")


def check_filter(value: Any, param: str = "filters") -> None:
    if not isinstance(value, dict):
        raise errors.APIError(400, f"Invalid type for '{param}': expected an object.", param=param,
                              code="invalid_type")
    kind = value.get("type")
    if kind in ("and", "or"):
        inner = value.get("filters")
        if not isinstance(inner, list):
            raise errors.missing_parameter(f"{param}.filters")
        for i, item in enumerate(inner):
            check_filter(item, f"{param}.filters[{i}]")
        return
    if kind not in COMPARISONS:
        raise errors.invalid_value(f"{param}.type", kind, [*COMPARISONS, "and", "or"])
    if not isinstance(value.get("key"), str):
        raise errors.missing_parameter(f"{param}.key")
    if "value" not in value:
        raise errors.missing_parameter(f"{param}.value")


def matches(attributes: dict[str, Any] | None, rule: dict[str, Any] | None) -> bool:
    if rule is None:
        return True
    kind = rule["type"]
    if kind == "and":
        return all(matches(attributes, r) for r in rule["filters"])
    if kind == "or":
        return any(matches(attributes, r) for r in rule["filters"])
    attributes = attributes or {}
    wanted = rule["value"]
    if rule["key"] not in attributes:
        return kind in ("ne", "nin")
    have = attributes[rule["key"]]
    if kind == "eq":
        return bool(have == wanted)
    if kind == "ne":
        return bool(have != wanted)
    if kind in ("in", "nin"):
        inside = have in wanted if isinstance(wanted, list) else have == wanted
        return inside if kind == "in" else not inside
    try:
        if kind == "gt":
            return bool(have > wanted)
        if kind == "gte":
            return bool(have >= wanted)
        if kind == "lt":
            return bool(have < wanted)
        return bool(have <= wanted)
    except TypeError:
        return False
