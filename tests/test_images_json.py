"""POST /images/edits with a JSON body (EditImageBodyJsonParam): images named by file id, data URL or http(s) URL.

The Python SDK only sends multipart, so the JSON requests go through the raw ``http`` client, as curl or another
SDK would send them; the files they name are uploaded with the SDK.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

EDITS = "/v1/images/edits"


def _png(size: tuple[int, int] = (64, 64), mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _picture(b64: str) -> Image.Image:
    picture = Image.open(io.BytesIO(base64.b64decode(b64)))
    picture.load()
    return picture


def _error(http: Any, body: dict[str, Any], status: int = 400) -> dict[str, Any]:
    response = http.post(EDITS, json=body)
    assert response.status_code == status, response.text
    return response.json()["error"]


@pytest.fixture
def image_file(openai_client: Any) -> str:
    """A wide PNG uploaded the way the docs show it: purpose "vision"."""
    return openai_client.files.create(file=("wide.png", _png((300, 200)), "image/png"), purpose="vision").id


def test_edit_an_uploaded_file_by_id(http: Any, image_file: str) -> None:
    body = {"model": "gpt-image-1", "prompt": "add a hat", "images": [{"file_id": image_file}]}
    response = http.post(EDITS, json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    # size "auto" follows the first input's shape, as with an upload
    assert result["size"] == "1536x1024"
    assert _picture(result["data"][0]["b64_json"]).size == (1536, 1024)
    assert result["usage"]["input_tokens_details"]["image_tokens"] > 0


def test_edit_data_url_with_a_mask_by_file_id(http: Any, openai_client: Any) -> None:
    mask = openai_client.files.create(file=("mask.png", _png((64, 64))), purpose="vision").id
    response = http.post(EDITS, json={
        "prompt": "paint it", "images": [{"image_url": _data_url(_png((64, 64), "RGB"))}],
        "mask": {"file_id": mask}, "output_format": "webp", "n": 2,
    })
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["size"] == "1024x1024" and result["output_format"] == "webp"
    assert [_picture(item["b64_json"]).format for item in result["data"]] == ["WEBP", "WEBP"]


def test_edit_https_urls_get_a_deterministic_stand_in(http: Any) -> None:
    body = {"prompt": "x", "images": [{"image_url": "https://example.com/a.png"}],
            "mask": {"image_url": "https://example.com/mask.png"}}
    first, second = http.post(EDITS, json=body), http.post(EDITS, json=body)
    assert first.status_code == 200, first.text
    assert first.json()["data"] == second.json()["data"]  # no internet: the same URL is the same picture


def test_json_edit_streams_like_multipart(http: Any, image_file: str) -> None:
    body = {"prompt": "x", "images": [{"file_id": image_file}], "stream": True, "partial_images": 1}
    with http.stream("POST", EDITS, json=body) as response:
        assert response.status_code == 200
        kinds = [line.removeprefix("event: ") for line in response.iter_lines() if line.startswith("event: ")]
    assert kinds == ["image_edit.partial_image", "image_edit.completed"]


def test_unknown_file_id_is_the_files_404(http: Any) -> None:
    error = _error(http, {"prompt": "x", "images": [{"file_id": "file-missing"}]}, status=404)
    assert error["message"] == "No such File object: file-missing"


def test_a_file_that_is_no_picture_is_an_invalid_image(http: Any, openai_client: Any) -> None:
    notes = openai_client.files.create(file=("notes.txt", b"not a picture"), purpose="user_data").id
    error = _error(http, {"prompt": "x", "images": [{"image_url": _data_url(_png())}, {"file_id": notes}]})
    assert error["code"] == "invalid_image_file" and error["param"] == "images[1]"
    assert error["message"] == "Invalid image file or mode for image 2, please check your image file."


@pytest.mark.parametrize(("url", "ending"), [
    ("data:image/png;base64,@@not base64@@", "but got an invalid base64-encoded value."),
    ("data:text/plain;base64,aGk=", "but got unsupported MIME type 'text/plain'."),
    ("", "but got a value without the 'data:' prefix."),
])
def test_bad_image_urls(http: Any, url: str, ending: str) -> None:
    error = _error(http, {"prompt": "x", "images": [{"image_url": url}]})
    assert error["param"] == "images[0].image_url" and error["code"] == "invalid_value"
    assert error["message"].startswith("Invalid 'images[0].image_url'. Expected a base64-encoded data URL")
    assert error["message"].endswith(ending)


def test_data_url_that_is_not_a_picture(http: Any) -> None:
    error = _error(http, {"prompt": "x", "images": [{"image_url": _data_url(b"hello")}]})
    assert error["code"] == "invalid_image_file"


def test_mask_must_match_the_image(http: Any, image_file: str) -> None:
    error = _error(http, {"prompt": "x", "images": [{"file_id": image_file}],
                          "mask": {"image_url": _data_url(_png((10, 10)))}})
    assert error["param"] == "mask"


@pytest.mark.parametrize("model", ["dall-e-2", "dall-e-3"])
def test_dall_e_needs_multipart(http: Any, image_file: str, model: str) -> None:
    error = _error(http, {"model": model, "prompt": "x", "images": [{"file_id": image_file}]})
    assert error["param"] == "model" and error["code"] == "invalid_value"
    assert "GPT image models only" in error["message"]


def test_multipart_fields_are_not_json_fields(http: Any, image_file: str) -> None:
    error = _error(http, {"prompt": "x", "image": "a.png", "images": [{"file_id": image_file}]})
    assert "image" in error["message"]


@pytest.mark.mockapi(validate_requests=False)  # the handler's own checks, as with the contract layer off
@pytest.mark.parametrize(("body", "param"), [
    ({"prompt": "x"}, "images"),
    ({"prompt": "x", "images": []}, "images"),
    ({"prompt": "x", "images": [{}]}, "images[0]"),
    ({"prompt": "x", "images": [{"image_url": "https://a.test/x.png", "file_id": "file-1"}]}, "images[0]"),
    ({"prompt": "x", "images": [{"file_id": 3}]}, "images[0].file_id"),
    ({"prompt": "x", "image": "a.png", "images": [{"image_url": "https://a.test/x.png"}]}, "image"),
])
def test_handler_checks_references_without_the_contract(http: Any, body: dict[str, Any], param: str) -> None:
    assert _error(http, body)["param"] == param


def test_multipart_edits_still_work(openai_client: Any) -> None:
    result = openai_client.images.edit(image=("a.png", _png((200, 300))), prompt="x", model="gpt-image-1")
    assert result.size == "1024x1536"
    dalle = openai_client.images.edit(image=("a.png", _png()), prompt="x", model="dall-e-2", size="256x256")
    assert dalle.data[0].url


def test_other_content_types_keep_the_multipart_error(http: Any) -> None:
    response = http.post(EDITS, content=b"prompt=x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(
        "Invalid Content-Type header (text/plain), expected multipart/form-data."
    )
