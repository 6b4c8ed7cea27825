"""``/models``."""

from __future__ import annotations

from mockapi_client.types.shared import APIObject


class Model(APIObject):
    id: str
    object: str = "model"
    created: int = 0
    owned_by: str = ""
