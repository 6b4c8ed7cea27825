"""Placeholder: routes for images are added by its issue."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockapi.fake import Fake


def install(fake: Fake) -> None:
    """No routes yet."""
