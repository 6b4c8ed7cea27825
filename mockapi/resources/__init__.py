"""One module per resource family, like the official SDK's layout.

Each module has ``install(fake)``, which adds its routes to ``fake.router``,
its controls to ``fake.control`` and its services to ``fake.services``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockapi.fake import Fake

MODULES = [
    "models",
    "files",
    "uploads",
    # Assistants family (OpenAI-Beta: assistants=v2)
    "assistants",
    "threads",
    "messages",
    "runs",
    "vector_stores",
    "containers",
    "skills",
    # Model endpoints
    "chat",
    "responses", "conversations",
    "completions",
    "embeddings",
    "decisions",
    "moderations",
    "images",
    "audio", "voices",
    "realtime", "realtime_calls",
    "chatkit",
    # Long-running jobs
    "fine_tuning",
    "batches",
    "videos",
    # Evals and the fine-tuning graders
    "evals",
    "graders",
    # The Administration API (/organization/...): usage, costs, projects, members, keys
    "admin",
    # Webhook endpoints (events are emitted by the families above)
    "webhooks",
]


def install_all(fake: Fake) -> None:
    for name in MODULES:
        import_module(f"mockapi.resources.{name}").install(fake)
