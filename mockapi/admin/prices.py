"""The price table the Costs API charges the metered usage with. Deterministic and marked as the fake's.

Figures: OpenAI's published list prices (openai.com/api/pricing, standard tier, USD), as they stood for these
models in 2025; a chosen snapshot, not fetched, and not tied to any organization's real bill. A dated model id
takes the price of its longest listed prefix (``gpt-4o-mini-2024-07-18`` -> ``gpt-4o-mini``); an unlisted text
model costs what ``gpt-4o`` costs, an unlisted image model what ``gpt-image-1`` costs (chosen).
"""

from __future__ import annotations

PER_MILLION = 1_000_000

# model -> (input, cached input, output) USD per 1M text tokens
TEXT: dict[str, tuple[float, float, float]] = {
    "gpt-5": (1.25, 0.125, 10.00),
    "gpt-5-mini": (0.25, 0.025, 2.00),
    "gpt-5-nano": (0.05, 0.005, 0.40),
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "o1": (15.00, 7.50, 60.00),
    "o3": (2.00, 0.50, 8.00),
    "o3-mini": (1.10, 0.55, 4.40),
    "o4-mini": (1.10, 0.275, 4.40),
    "gpt-4-turbo": (10.00, 10.00, 30.00),
    "gpt-4": (30.00, 30.00, 60.00),
    "gpt-3.5-turbo": (0.50, 0.50, 1.50),
    "text-embedding-3-small": (0.02, 0.02, 0.0),
    "text-embedding-3-large": (0.13, 0.13, 0.0),
    "text-embedding-ada-002": (0.10, 0.10, 0.0),
}
DEFAULT_TEXT = "gpt-4o"
# model -> USD per image (1024x1024, standard or medium quality)
IMAGE: dict[str, float] = {"dall-e-2": 0.020, "dall-e-3": 0.040, "gpt-image-1": 0.042, "gpt-image-1-mini": 0.011}
DEFAULT_IMAGE = "gpt-image-1"
SPEECH_PER_MILLION_CHARACTERS = {"tts-1": 15.00, "tts-1-hd": 30.00}
DEFAULT_SPEECH = 15.00
TRANSCRIPTION_PER_MINUTE = {"whisper-1": 0.006, "gpt-4o-transcribe": 0.006, "gpt-4o-mini-transcribe": 0.003}
DEFAULT_TRANSCRIPTION = 0.006
CODE_INTERPRETER_SESSION = 0.03  # per container (1 GB)
FILE_SEARCH_PER_THOUSAND = 2.50  # tool calls (Responses' file_search)
WEB_SEARCH_PER_THOUSAND = 10.00  # tool calls (Responses' web_search; search content tokens not charged apart)


def _listed(model: str | None, table: dict[str, object], default: str) -> str:
    """The listed model a (possibly dated) id is priced as."""
    if model is None:
        return default
    best = ""
    for name in table:
        if (model == name or model.startswith(name + "-")) and len(name) > len(best):
            best = name
    return best or default


def text(model: str | None) -> tuple[str, tuple[float, float, float]]:
    name = _listed(model, TEXT, DEFAULT_TEXT)  # type: ignore[arg-type]
    return name, TEXT[name]


def image(model: str | None) -> tuple[str, float]:
    name = _listed(model, IMAGE, DEFAULT_IMAGE)  # type: ignore[arg-type]
    return name, IMAGE[name]
