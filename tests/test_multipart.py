"""The multipart fast path: exact on what SDKs send, and it hands anything unusual to the full parser."""

from __future__ import annotations

import httpx
import pytest

from mockapi import multipart
from mockapi.context import UploadedFile


def encoded(**kwargs: object) -> tuple[bytes, bytes]:
    request = httpx.Request("POST", "http://x/", **kwargs)  # type: ignore[arg-type]
    boundary = multipart.boundary_of(request.headers["content-type"])
    assert boundary is not None
    return request.read(), boundary


def test_parses_fields_and_files_as_httpx_sends_them() -> None:
    body, boundary = encoded(
        files={"file": ("a b.jsonl", b'{"a":1}\r\n\r\n--x', "application/jsonl")},
        data={"purpose": "fine-tune", "note": "é"},
    )
    assert multipart.parse(body, boundary) == {
        "purpose": ["fine-tune"],
        "note": ["é"],
        "file": [UploadedFile("a b.jsonl", "application/jsonl", b'{"a":1}\r\n\r\n--x')],
    }


def test_repeated_fields_keep_every_value() -> None:
    body, boundary = encoded(data={"include[]": ["a", "b"]}, files={"file": ("f", b"1")})
    assert multipart.parse(body, boundary)["include[]"] == ["a", "b"]


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("multipart/form-data; boundary=abc", b"abc"),
        ('multipart/form-data; boundary="a b"; charset=utf-8', b"a b"),
        ("multipart/form-data", None),
        ("multipart/form-data; boundary=", None),
    ],
)
def test_boundary_of(content_type: str, expected: bytes | None) -> None:
    assert multipart.boundary_of(content_type) == expected


def test_a_form_with_no_parts_is_empty() -> None:
    assert multipart.parse(b"--b--\r\n", b"b") == {}


@pytest.mark.parametrize(
    "body",
    [
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx',  # no closing delimiter
        b"--b\r\nContent-Disposition: form-data",  # truncated inside the part header
        b'--b\r\nContent-Disposition: form-data; name="f"; filename*=utf-8\'\'x\r\n\r\nhi\r\n--b--\r\n',
        b'--b\r\nContent-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n--b--',
        b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\xff\r\n--b--',  # a field that is not UTF-8
        b"preamble\r\n--b--",
    ],
)
def test_anything_unusual_goes_to_the_full_parser(body: bytes) -> None:
    assert multipart.parse(body, b"b") is None
