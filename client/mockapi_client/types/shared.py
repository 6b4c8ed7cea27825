"""The base of every response model, and shapes several resources share.

Models accept unknown fields (``extra="allow"``) so a newer server never breaks an older client, and keep
the ``x-request-id`` of the response they came from (``obj.request_id``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr


class APIObject(BaseModel):
    model_config = ConfigDict(extra="allow", protected_namespaces=(), populate_by_name=True)

    _request_id: str | None = PrivateAttr(default=None)

    @property
    def request_id(self) -> str | None:
        return self._request_id

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, without fields the server did not send."""
        return self.model_dump(mode="json", exclude_unset=True)


class DeletedObject(APIObject):
    id: str
    object: str
    deleted: bool


class ErrorObject(APIObject):
    message: str = ""
    type: str | None = None
    param: str | None = None
    code: str | None = None


class CompletionUsage(APIObject):
    """Usage of chat/completions/runs (``prompt_tokens`` ...) or embeddings (no completion tokens)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    prompt_tokens_details: dict[str, Any] | None = None
    completion_tokens_details: dict[str, Any] | None = None

    @property
    def cached_tokens(self) -> int:
        return int((self.prompt_tokens_details or {}).get("cached_tokens") or 0)


Metadata = dict[str, str]
