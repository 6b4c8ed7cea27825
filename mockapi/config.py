"""Settings of one fake instance: from defaults, a config file, or keyword overrides."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class KeyInfo:
    """What an accepted API key belongs to. Keys of one project share objects."""

    project: str | None = None
    organization: str | None = None
    # May call the Administration API (/organization/...), like a real sk-admin- key.
    admin: bool = False
    # The key's id in usage results and key listings (key_...); None: derived from the key.
    id: str | None = None
    # Keys the fake issues for another key (Realtime ephemeral keys): the namespace they act in, and when they
    # stop working (fake clock).
    owner: str | None = None
    expires_at: float | None = None


@dataclass
class Config:
    host: str = "127.0.0.1"
    port: int = 4010
    # None accepts any key; otherwise only these keys (each may name its project).
    api_keys: dict[str, KeyInfo] | None = None
    organization: str = "user-mockapi"
    # The Administration API (/organization/...) answers only admin keys: `sk-admin-...`, keys marked `admin`
    # and admin keys it created; every other key gets the real 403. False: any accepted key may call it.
    require_admin_key: bool = True
    validate_requests: bool = True
    validate_responses: bool = False
    control_plane: bool = True
    max_file_bytes: int = 512 * 1024 * 1024
    journal_size: int = 10_000
    manual_clock: bool = False
    # Seconds between automatic lifecycle steps (runs, vector store files, ...).
    step_delay: float = 0.02
    # What the `openai-poll-after-ms` header tells polling SDK helpers.
    poll_after_ms: int = 25
    # Anything a feature reads from the config file that the core does not know.
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> Config:
        text = Path(path).read_text()
        if str(path).endswith((".yaml", ".yml")):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            data = json.loads(text)
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known and k != "extra"}
        extra = {k: v for k, v in data.items() if k not in known}
        extra.update(data.get("extra") or {})
        return cls(**kwargs, extra=extra)

    def __post_init__(self) -> None:
        self.normalize()

    def normalize(self) -> None:
        """Accept api_keys as a list of keys or a mapping of key -> {project, organization}."""
        keys: Any = self.api_keys
        if isinstance(keys, list):
            self.api_keys = {k: KeyInfo() for k in keys}
        elif isinstance(keys, dict):
            self.api_keys = {k: v if isinstance(v, KeyInfo) else KeyInfo(**(v or {})) for k, v in keys.items()}
