"""What the conformance suite runs against: an in-process ``Fake``, any base URL, or the real API.

A target gives transports (httpx or httpx2, sync) for the clients under test, its base URL and API key,
and, if it is a mockapi with its control plane on, a ``Control`` (detected with ``GET /__mockapi__/health``).
Scenarios that need control are skipped on targets without it, so the real service runs the same suite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from mockapi.conformance.control import Control, detect_control

REAL_BASE_URL = "https://api.openai.com/v1"
REAL_OPT_IN = "MOCKAPI_CONFORMANCE_REAL_API"  # must be "1" (with OPENAI_API_KEY) to reach api.openai.com
REAL_HOSTS = ("api.openai.com",)


class TargetError(Exception):
    """The target cannot be used (no key, no opt-in for the real API, nothing listening)."""


@dataclass
class Target:
    kind: str  # "in-process" | "url" | "real"
    base_url: str
    api_key: str
    fake: Any = None  # the in-process Fake, when there is one
    timeout: float = 60.0
    # How long a scenario waits for a lifecycle (run, vector store file, batch) to settle.
    patience: float = 30.0
    _control: tuple[Control | None] | None = field(default=None, repr=False)
    # The key the Administration API scenarios use (OPENAI_ADMIN_KEY; a fake takes any sk-admin- key).
    admin_key: str = field(default_factory=lambda: os.environ.get("OPENAI_ADMIN_KEY") or "sk-admin-conformance")

    @property
    def label(self) -> str:
        return "in-process fake" if self.kind == "in-process" else self.base_url

    @property
    def root_url(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path.rstrip("/") or ""

    @property
    def is_real(self) -> bool:
        return self.kind == "real" or (urlsplit(self.base_url).hostname or "") in REAL_HOSTS

    def transport(self, mod: ModuleType) -> Any:
        """A sync transport of ``mod`` (httpx or httpx2) that reaches the target."""
        if self.fake is not None:
            from mockapi.inprocess import sync_transport

            return sync_transport(self.fake.app, mod)
        return mod.HTTPTransport()

    @property
    def control(self) -> Control | None:
        """The control plane, if the target is a mockapi that has it on (probed once)."""
        if self._control is None:
            self._control = (None if self.is_real else detect_control(self.transport(_httpx()), self.root_url),)
        return self._control[0]

    def fake_problems(self) -> list[str]:
        """Contract violations and internal errors the in-process fake recorded about itself."""
        if self.fake is None:
            return []
        return [f"fake: contract violation: {v}" for v in self.fake.violations] + [
            f"fake: internal error: {e.strip().splitlines()[-1]}" for e in self.fake.internal_errors
        ]

    def close(self) -> None:
        if self._control and self._control[0] is not None:
            self._control[0].close()


def in_process(fake: Any = None, **settings: Any) -> Target:
    """A fresh in-process ``Fake`` (validating its own responses too), or the one given."""
    if fake is None:
        from mockapi.fake import Fake

        fake = Fake(**{"validate_responses": True, **settings})
    return Target("in-process", fake.base_url, "sk-conformance", fake=fake, patience=15.0)


def url(base_url: str, api_key: str | None = None, *, allow_real: bool = False) -> Target:
    """Any server speaking the OpenAI API at ``base_url`` (``mockapi serve``, another fake, a proxy)."""
    base_url = base_url.rstrip("/")
    if not urlsplit(base_url).scheme:
        raise TargetError(f"--base-url needs a scheme: {base_url!r}")
    target = Target("url", base_url, api_key or os.environ.get("OPENAI_API_KEY") or "sk-conformance")
    if target.is_real:
        return real_api(api_key, allow=allow_real, base_url=base_url)
    return target


def real_api(api_key: str | None = None, *, allow: bool = False, base_url: str = REAL_BASE_URL) -> Target:
    """The real service: needs a key and an explicit opt-in (``allow`` or ``MOCKAPI_CONFORMANCE_REAL_API=1``)."""
    key = api_key or os.environ.get("OPENAI_API_KEY")
    if not (allow or os.environ.get(REAL_OPT_IN) == "1"):
        raise TargetError(f"running against the real API costs money: pass --real-api or set {REAL_OPT_IN}=1")
    if not key:
        raise TargetError("running against the real API needs OPENAI_API_KEY (or --api-key)")
    return Target("real", base_url, key, timeout=120.0, patience=300.0)


def _httpx() -> ModuleType:
    import httpx

    return httpx
