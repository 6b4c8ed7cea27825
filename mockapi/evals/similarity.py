"""Text similarity metrics computed offline (the ``text_similarity`` grader).

The graders guide names the metrics and what the real service uses (fuzzy_match: rapidfuzz; cosine: embeddings
of text-embedding-3-large; bleu, gleu, meteor, rouge_*: the usual scores). The fake has neither rapidfuzz's
exact tables nor embeddings with meaning, so each metric is a documented re-implementation (contracts/README.md,
"Evals and graders", all chosen):

- words: lower-cased ``\\w+`` runs (one tokenizer for every word metric);
- ``fuzzy_match``: the Indel similarity rapidfuzz's ``fuzz.ratio`` computes, 2·LCS / (len a + len b) over
  characters (difflib's ratio for very long texts);
- ``bleu``: sentence BLEU-4, uniform weights, brevity penalty, add-one smoothing of the 2..4-gram precisions;
- ``gleu``: Google-BLEU (min of n-gram precision and recall over 1..4-grams, summed);
- ``meteor``: exact-match METEOR (F-mean with alpha 0.9, fragmentation penalty 0.5·(chunks/matches)^3; no stems
  or synonyms);
- ``rouge_1``..``rouge_5``: n-gram overlap F1; ``rouge_l``: LCS F1 over words;
- ``cosine``: cosine of the word-count vectors (not embeddings).
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

METRICS = ("cosine", "fuzzy_match", "bleu", "gleu", "meteor", "rouge_1", "rouge_2", "rouge_3", "rouge_4",
           "rouge_5", "rouge_l")  # fmt: skip
_WORD = re.compile(r"\w+")
_LCS_LIMIT = 4_000_000  # cells of the exact LCS table; longer pairs use difflib


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def score(metric: str, candidate: str, reference: str) -> float:
    if metric == "fuzzy_match":
        return round(fuzzy_match(candidate, reference), 6)
    a, b = words(candidate), words(reference)
    if metric == "bleu":
        value = bleu(a, b)
    elif metric == "gleu":
        value = gleu(a, b)
    elif metric == "meteor":
        value = meteor(a, b)
    elif metric == "cosine":
        value = cosine(a, b)
    elif metric == "rouge_l":
        value = _f1(_lcs(a, b), len(a), len(b))
    elif metric.startswith("rouge_"):
        n = int(metric[-1])
        value = _f1(_overlap(_ngrams(a, n), _ngrams(b, n)), max(0, len(a) - n + 1), max(0, len(b) - n + 1))
    else:
        raise ValueError(metric)
    return round(value, 6)


def fuzzy_match(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    if len(a) * len(b) > _LCS_LIMIT:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return 2 * _lcs(a, b) / (len(a) + len(b))


def bleu(candidate: list[str], reference: list[str]) -> float:
    if not candidate or not reference:
        return 0.0
    logs = 0.0
    for n in range(1, 5):
        cand = _ngrams(candidate, n)
        total = sum(cand.values())
        matched = _overlap(cand, _ngrams(reference, n))
        if n > 1:  # add-one smoothing (Lin & Och 2004) for the higher orders
            matched, total = matched + 1, total + 1
        if matched == 0 or total == 0:
            return 0.0
        logs += math.log(matched / total) / 4
    brevity = 1.0 if len(candidate) > len(reference) else math.exp(1 - len(reference) / len(candidate))
    return min(1.0, brevity * math.exp(logs))


def gleu(candidate: list[str], reference: list[str]) -> float:
    cand: Counter[tuple[str, ...]] = Counter()
    ref: Counter[tuple[str, ...]] = Counter()
    for n in range(1, 5):
        cand += _ngrams(candidate, n)
        ref += _ngrams(reference, n)
    total_cand, total_ref = sum(cand.values()), sum(ref.values())
    if not total_cand or not total_ref:
        return 0.0
    matched = _overlap(cand, ref)
    return min(matched / total_cand, matched / total_ref)


def meteor(candidate: list[str], reference: list[str]) -> float:
    # Align each candidate word to the first unused equal reference word, left to right.
    used: set[int] = set()
    alignment: list[tuple[int, int]] = []
    for i, word in enumerate(candidate):
        for j, other in enumerate(reference):
            if j not in used and other == word:
                used.add(j)
                alignment.append((i, j))
                break
    matches = len(alignment)
    if matches == 0:
        return 0.0
    precision, recall = matches / len(candidate), matches / len(reference)
    fmean = precision * recall / (0.9 * precision + 0.1 * recall)
    chunks = 1
    for (i1, j1), (i2, j2) in itertools.pairwise(alignment):
        if not (i2 == i1 + 1 and j2 == j1 + 1):
            chunks += 1
    penalty = 0.5 * (chunks / matches) ** 3
    return fmean * (1 - penalty)


def cosine(a: list[str], b: list[str]) -> float:
    ca, cb = Counter(a), Counter(b)
    dot = sum(count * cb[word] for word, count in ca.items())
    norm = math.sqrt(sum(v * v for v in ca.values())) * math.sqrt(sum(v * v for v in cb.values()))
    return dot / norm if norm else 0.0


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _overlap(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> int:
    return sum(min(count, b[gram]) for gram, count in a.items())


def _f1(matched: int, candidate_total: int, reference_total: int) -> float:
    if not matched or not candidate_total or not reference_total:
        return 0.0
    precision, recall = matched / candidate_total, matched / reference_total
    return 2 * precision * recall / (precision + recall)


def _lcs(a: Sequence[object], b: Sequence[object]) -> int:
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]
