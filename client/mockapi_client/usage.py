"""Token usage per model and what it costs (prices live in ``data/prices.json``, not in code).

The client records the ``usage`` of every response that has one (chat, completions, embeddings, runs,
stream usage chunks). Objects seen again (a polled run, a re-read stored completion) only add what grew
since the last sighting, so polling never double-counts.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).parent / "data" / "prices.json"


@dataclass(frozen=True)
class Price:
    """USD per ``per_tokens`` tokens."""

    input: Decimal
    output: Decimal
    cached_input: Decimal | None = None


class PriceTable:
    def __init__(self, prices: dict[str, Price], per_tokens: int = 1_000_000) -> None:
        self.prices = prices
        self.per_tokens = per_tokens

    @classmethod
    def load(cls, path: str | Path | None = None) -> PriceTable:
        raw = json.loads(Path(path or PRICES_FILE).read_text(), parse_float=Decimal, parse_int=Decimal)
        prices = {
            model: Price(
                input=Decimal(p["input"]), output=Decimal(p["output"]),
                cached_input=Decimal(p["cached_input"]) if "cached_input" in p else None,
            )
            for model, p in raw["models"].items()
        }
        return cls(prices, int(raw.get("per_tokens", 1_000_000)))

    def lookup(self, model: str) -> Price | None:
        """Exact id, else the longest id it starts with; ``ft:<base>:...`` looks under ``ft:<base>``."""
        if model in self.prices:
            return self.prices[model]
        key = model
        if model.startswith("ft:"):
            key = "ft:" + model.split(":")[1]
        candidates = [k for k in self.prices if key.startswith(k)]
        return self.prices[max(candidates, key=len)] if candidates else None

    def cost(self, model: str, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> Decimal | None:
        price = self.lookup(model)
        if price is None:
            return None
        cached_price = price.cached_input if price.cached_input is not None else price.input
        total = (
            (input_tokens - cached_tokens) * price.input + cached_tokens * cached_price + output_tokens * price.output
        )
        return total / self.per_tokens


@dataclass
class ModelUsage:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass(frozen=True)
class _Counts:
    input: int
    output: int
    cached: int


def counts(usage: Any) -> _Counts | None:
    """Input/output/cached tokens of any usage shape (prompt/completion or input/output naming)."""
    if hasattr(usage, "model_dump"):
        usage = usage.model_dump()
    if not isinstance(usage, dict):
        return None
    inp = usage.get("prompt_tokens", usage.get("input_tokens"))
    out = usage.get("completion_tokens", usage.get("output_tokens", 0))
    if not isinstance(inp, int):
        return None
    details = usage.get("prompt_tokens_details") or usage.get("input_tokens_details") or {}
    cached = details.get("cached_tokens") if isinstance(details, dict) else 0
    return _Counts(inp, out if isinstance(out, int) else 0, cached if isinstance(cached, int) else 0)


class UsageTracker:
    def __init__(self, prices: PriceTable | None = None, remember: int = 10_000) -> None:
        self.prices = prices or PriceTable.load()
        self._models: dict[str, ModelUsage] = {}
        self._seen: OrderedDict[str, _Counts] = OrderedDict()
        self._remember = remember
        self._lock = threading.Lock()

    def record(self, model: str, usage: Any, object_id: str | None = None) -> None:
        found = counts(usage)
        if found is None or not model:
            return
        with self._lock:
            new_request = True
            if object_id:
                before = self._seen.get(object_id)
                if before is not None:
                    new_request = False
                    self._seen.move_to_end(object_id)
                    found_delta = _Counts(
                        max(0, found.input - before.input), max(0, found.output - before.output),
                        max(0, found.cached - before.cached),
                    )
                else:
                    found_delta = found
                self._seen[object_id] = found
                while len(self._seen) > self._remember:
                    self._seen.popitem(last=False)
            else:
                found_delta = found
            entry = self._models.setdefault(model, ModelUsage())
            entry.requests += int(new_request)
            entry.input_tokens += found_delta.input
            entry.output_tokens += found_delta.output
            entry.cached_tokens += found_delta.cached

    def record_body(self, body: Any) -> None:
        """Record a response body if it reports usage."""
        if isinstance(body, dict) and body.get("usage") and isinstance(body.get("model"), str):
            self.record(body["model"], body["usage"], body.get("id") or None)

    def by_model(self) -> dict[str, ModelUsage]:
        with self._lock:
            return {m: ModelUsage(**vars(u)) for m, u in self._models.items()}

    def cost(self, model: str | None = None) -> Decimal:
        """USD spent on ``model`` (or on every model); unpriced models count 0 (see ``unpriced``)."""
        total = Decimal(0)
        for name, used in self.by_model().items():
            if model is not None and name != model:
                continue
            cost = self.prices.cost(name, used.input_tokens, used.output_tokens, used.cached_tokens)
            total += cost or 0
        return total

    def unpriced(self) -> list[str]:
        return [m for m in self.by_model() if self.prices.lookup(m) is None]

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per model: requests, tokens and cost (USD, as a string to keep it exact)."""
        out = {}
        for name, used in self.by_model().items():
            cost = self.prices.cost(name, used.input_tokens, used.output_tokens, used.cached_tokens)
            out[name] = {**vars(used), "cost_usd": None if cost is None else str(cost)}
        return out

    def reset(self) -> None:
        with self._lock:
            self._models.clear()
            self._seen.clear()
