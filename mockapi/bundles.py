"""Skill bundles: the files of one skill version, read from an upload and written back as a zip.

An upload is either one zip holding a single top-level folder, or several ``files[]`` parts whose names are
paths inside one top-level folder (the skills guide's two options). Exactly one ``SKILL.md`` (any case) sits at
the folder's root; its YAML front matter names and describes the skill. Limits are the cookbook's ("Limits and
validation", openai/openai-cookbook examples/skills_in_api.ipynb): zip ≤ 50 MB, ≤ 500 files, each ≤ 25 MB
uncompressed; the name follows the Agent Skills specification. Error wording is ours (contracts/README.md,
"Skills").
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import yaml

from mockapi import errors
from mockapi.context import UploadedFile

MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_FILES = 500
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_NAME = 64
MAX_DESCRIPTION = 1024
MANIFEST = "skill.md"
# Agent Skills specification (agentskills.io/specification): lowercase letters, digits and single hyphens, not at
# either end. It also asks the name to match the folder; the real API does not (its own cookbook uploads the
# folder csv_insights_skill as csv-insights).
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# A fixed timestamp: the same bundle downloads as the same bytes every time.
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Bundle:
    files: dict[str, bytes]  # path inside the bundle (top folder included, if any) -> bytes
    name: str
    description: str


def read(uploads: list[UploadedFile], param: str = "files") -> Bundle:
    """The bundle an upload carries, or the 400 naming ``param``."""
    if not uploads:
        raise errors.missing_parameter(param)
    if len(uploads) == 1 and _is_zip(uploads[0]):
        files = _unzip(uploads[0].data, param)
    else:
        files = _directory(uploads, param)
    if not files:
        raise _invalid(param, "The skill bundle contains no files.")
    if len(files) > MAX_FILES:
        raise _invalid(param, f"A skill may contain at most {MAX_FILES} files, but got {len(files)}.")
    _single_top_folder(files, param)
    name, description = _front_matter(files[_manifest(files, param)], param)
    return Bundle(files, name, description)


def to_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            archive.writestr(zipfile.ZipInfo(path, _ZIP_TIME), files[path])
    return out.getvalue()


def _is_zip(upload: UploadedFile) -> bool:
    return upload.data[:4] == b"PK\x03\x04" or upload.filename.lower().endswith(".zip")


def _unzip(data: bytes, param: str) -> dict[str, bytes]:
    if len(data) > MAX_ZIP_BYTES:
        raise _invalid(param, f"The skill zip is too large: at most {MAX_ZIP_BYTES} bytes, got {len(data)}.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [info for info in archive.infolist() if not info.is_dir()]
            if len(entries) > MAX_FILES:
                raise _invalid(param, f"A skill may contain at most {MAX_FILES} files, but got {len(entries)}.")
            files: dict[str, bytes] = {}
            for info in entries:
                if info.file_size > MAX_FILE_BYTES:  # checked before inflating: no zip bombs
                    raise _too_big(param, info.filename)
                files[_clean(info.filename, param)] = archive.read(info)
            return files
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, ValueError, OSError):
        raise _invalid(param, "The uploaded file is not a valid zip archive.") from None


def _directory(uploads: list[UploadedFile], param: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for upload in uploads:
        if len(upload.data) > MAX_FILE_BYTES:
            raise _too_big(param, upload.filename)
        path = _clean(upload.filename, param)
        if path in files:
            raise _invalid(param, f"Duplicate file path in skill upload: '{path}'.")
        files[path] = upload.data
    return files


def _clean(raw: str, param: str) -> str:
    """A relative POSIX path with no empty, ``.`` or ``..`` parts."""
    parts = raw.replace("\\", "/").split("/")
    if any(part in ("", ".", "..") for part in parts) or "\x00" in raw:
        raise _invalid(param, f"Invalid file path in skill upload: '{raw}'.")
    return "/".join(parts)


def _single_top_folder(files: dict[str, bytes], param: str) -> None:
    """Every path in one top-level folder, or (a chosen leniency) every file at the root."""
    nested = {path.split("/", 1)[0] for path in files if "/" in path}
    if not nested:
        return
    if len(nested) > 1 or any("/" not in path for path in files):
        raise _invalid(param, "All skill files must be inside a single top-level folder.")


def _manifest(files: dict[str, bytes], param: str) -> str:
    top = _top(files)
    found = [path for path in files if path.lower() == top + MANIFEST]
    if not found:
        raise _invalid(param, "The skill bundle must contain a SKILL.md file in its top-level folder.")
    if len(found) > 1:  # SKILL.md and skill.md side by side
        raise _invalid(param, "The skill bundle must contain exactly one SKILL.md file.")
    return found[0]


def _top(files: dict[str, bytes]) -> str:
    """``folder/`` when the bundle has a top-level folder, else ``""``."""
    first = next(iter(files))
    return first.split("/", 1)[0] + "/" if "/" in first else ""


def _front_matter(manifest: bytes, param: str) -> tuple[str, str]:
    text = manifest.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise _invalid(param, "SKILL.md must start with YAML front matter delimited by '---'.")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise _invalid(param, "SKILL.md front matter is not closed by '---'.")
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        raise _invalid(param, "SKILL.md front matter is not valid YAML.") from None
    if not isinstance(meta, dict):
        raise _invalid(param, "SKILL.md front matter must be a YAML mapping.")
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        raise _invalid(param, "SKILL.md front matter is missing the required 'name' field.")
    if len(name) > MAX_NAME or not _NAME.match(name):
        raise _invalid(
            param, f"Invalid skill name '{name[:100]}': use at most {MAX_NAME} lowercase letters, digits and "
            "hyphens, not starting or ending with a hyphen.",
        )
    description = meta.get("description", "")  # only the name is required (the cookbook); chosen: "" if absent
    if not isinstance(description, str):
        raise _invalid(param, "SKILL.md front matter field 'description' must be a string.")
    if len(description) > MAX_DESCRIPTION:
        raise _invalid(param, f"Skill description is too long: at most {MAX_DESCRIPTION} characters.")
    return name, description


def _too_big(param: str, path: str) -> errors.APIError:
    return _invalid(param, f"File '{path}' is larger than the {MAX_FILE_BYTES} byte limit for skill files.")


def _invalid(param: str, message: str) -> errors.APIError:
    return errors.invalid_request(message, param=param, code="invalid_value")
