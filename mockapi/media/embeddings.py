"""Deterministic embedding vectors: same text, same vector; shared words, closer vectors.

Rule (documented in README.md): the text is lower-cased and split into words
(``\\w+``). Every word and every pair of adjacent words ("bigram", half weight)
owns a fixed pseudo-random direction in the model's native space, drawn from a
seed that hashes the feature together with the model. The vector is the
weighted sum of its features' directions (weight ``1 + ln(count)``; a short
list of English stop words weighs 0.3), scaled to unit length. Texts that share
words share directions, so their cosine similarity grows with the overlap;
unrelated texts land near 0 (random directions in ≥1536 dimensions are almost
orthogonal). Text with no word characters is hashed whole.

``dimensions`` (text-embedding-3 models) keeps the first *d* components of the
native vector and re-normalizes them, as OpenAI's shortened embeddings do.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise

import numpy as np

_WORD = re.compile(r"\w+", re.UNICODE)
BIGRAM_WEIGHT = 0.5
STOP_WEIGHT = 0.3
STOP_WORDS = frozenset(
    "a an and are as at be but by for from has have i in is it its of on or that the this to was were will with"
    .split()
)


def features(text: str) -> Counter[str]:
    """Word and bigram weights of ``text`` (the bag the vector is built from)."""
    words = [w.lower() for w in _WORD.findall(text)]
    counts: Counter[str] = Counter(words)
    weights: Counter[str] = Counter()
    for word, n in counts.items():
        weights[word] = (1.0 + math.log(n)) * (STOP_WEIGHT if word in STOP_WORDS else 1.0)
    pairs: Counter[str] = Counter(f"{a} {b}" for a, b in pairwise(words))
    for pair, n in pairs.items():
        weights[pair] = BIGRAM_WEIGHT * (1.0 + math.log(n))
    if not weights:
        weights["\x00" + text] = 1.0
    return weights


@lru_cache(maxsize=4096)
def _direction(feature: str, space: str, dims: int) -> np.ndarray:
    digest = hashlib.blake2b(f"{space}\x00{feature}".encode(), digest_size=8).digest()
    vector = np.random.default_rng(int.from_bytes(digest, "little")).standard_normal(dims)
    vector.setflags(write=False)
    return vector


def embed(text: str, space: str, native_dims: int, dims: int | None = None) -> np.ndarray:
    """The unit-length float32 vector of ``text`` in the model's ``space``, cut to ``dims`` if given."""
    total = np.zeros(native_dims)
    for feature, weight in features(text).items():
        total += weight * _direction(feature, space, native_dims)
    if dims is not None:
        total = total[:dims]
    return _unit(total)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    if norm == 0.0:  # cannot happen with Gaussian directions, but never divide by zero
        vector = np.ones_like(vector)
        norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32)


def as_floats(vector: np.ndarray) -> list[float]:
    """JSON floats that are exactly the float32 values (so float and base64 give the same numbers)."""
    return vector.astype(np.float32).tolist()


def as_base64(vector: np.ndarray) -> str:
    """Little-endian float32 bytes, base64: what the SDK decodes with ``np.frombuffer(..., "float32")``."""
    return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")


def cosine(a: list[float] | np.ndarray, b: list[float] | np.ndarray) -> float:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))
