"""Legacy completions: ``POST /completions`` (logic in ``mockapi.chat.legacy``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockapi.chat import legacy

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    fake.router.add("POST", "/completions", legacy.create)
