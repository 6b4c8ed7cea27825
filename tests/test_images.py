"""Images with the official SDK: real pictures of the requested size, URLs served by the fake, per-model rules."""

from __future__ import annotations

import base64
import io

import httpx
import openai
import pytest
from PIL import Image


def _decode(b64: str) -> Image.Image:
    picture = Image.open(io.BytesIO(base64.b64decode(b64)))
    picture.load()
    return picture


def _png(size: tuple[int, int] = (64, 64), mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_b64_json_is_a_png_of_the_requested_size(openai_client) -> None:
    result = openai_client.images.generate(prompt="a red fox", size="512x512", n=2, response_format="b64_json")
    pictures = [_decode(item.b64_json) for item in result.data]
    assert [(p.format, p.size) for p in pictures] == [("PNG", (512, 512))] * 2
    assert result.data[0].b64_json != result.data[1].b64_json  # n images differ
    again = openai_client.images.generate(prompt="a red fox", size="512x512", response_format="b64_json")
    assert again.data[0].b64_json == result.data[0].b64_json  # deterministic per prompt
    assert result.data[0].revised_prompt is None and result.usage is None


@pytest.mark.mockapi(manual_clock=True)
def test_url_downloads_from_the_fake_and_expires_after_an_hour(openai_client, mockapi) -> None:
    result = openai_client.images.generate(model="dall-e-3", prompt="a lighthouse", size="1792x1024")
    item = result.data[0]
    assert item.revised_prompt and "a lighthouse" in item.revised_prompt
    assert "/__mockapi__/images/img-" in item.url
    with mockapi.http_client(api_key=None) as web:  # no key needed, like a pre-signed blob URL
        download = web.get(item.url)
        assert download.status_code == 200 and download.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(download.content)).size == (1792, 1024)
        mockapi.advance(3601)
        assert web.get(item.url).status_code == 403
        assert web.get(item.url.replace("img-", "img-x")).status_code == 404
        fresh = openai_client.images.generate(prompt="a lighthouse").data[0].url
        mockapi.reset()
        assert web.get(fresh).status_code == 404  # reset forgets stored images


def test_url_over_a_real_socket(mockapi_server) -> None:
    client = openai.OpenAI(base_url=mockapi_server.base_url, api_key="sk-test")
    url = client.images.generate(prompt="a boat", size="256x256").data[0].url
    assert url.startswith(mockapi_server.root_url)
    picture = Image.open(io.BytesIO(httpx.get(url).content))
    assert picture.size == (256, 256)


def test_gpt_image_generation_formats_and_usage(openai_client) -> None:
    result = openai_client.images.generate(
        model="gpt-image-1", prompt="a watercolor city", size="1024x1536", quality="low", output_format="jpeg",
        output_compression=50,
    )
    picture = _decode(result.data[0].b64_json)
    assert picture.format == "JPEG" and picture.size == (1024, 1536)
    assert (result.size, result.quality, result.output_format, result.background) == ("1024x1536", "low", "jpeg",
                                                                                     "opaque")
    assert result.usage.output_tokens == 408 and result.usage.input_tokens_details.image_tokens == 0
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    auto = openai_client.images.generate(model="gpt-image-1-mini", prompt="x", background="transparent",
                                         output_format="webp")
    picture = _decode(auto.data[0].b64_json)
    assert picture.format == "WEBP" and picture.size == (1024, 1024) and picture.mode == "RGBA"
    assert auto.size == "1024x1024" and auto.background == "transparent"


def test_gpt_image_streams_partial_images(openai_client) -> None:
    events = list(openai_client.images.generate(model="gpt-image-1", prompt="a cat", stream=True, partial_images=2))
    assert [e.type for e in events] == ["image_generation.partial_image"] * 2 + ["image_generation.completed"]
    assert [e.partial_image_index for e in events[:2]] == [0, 1]
    assert _decode(events[-1].b64_json).size == (1024, 1024) and events[-1].usage.output_tokens > 0


def test_per_model_validation(openai_client) -> None:
    cases = [
        (dict(model="dall-e-3", size="256x256"), "The size is not supported by this model.", None),
        (dict(model="dall-e-3", n=2), "You must provide n=1 for this model.", "n"),
        (dict(model="gpt-image-1", response_format="url"), "Unknown parameter: 'response_format'.", "response_format"),
        (dict(model="dall-e-2", output_format="png"), "Unknown parameter: 'output_format'.", "output_format"),
        (dict(model="gpt-image-1", size="1792x1024"), None, "size"),
        (dict(model="dall-e-3", quality="low"), None, "quality"),
        (dict(model="dall-e-3", style="noir"), None, "style"),
        (dict(model="dall-e-2", n=11), None, "n"),
    ]
    for kwargs, message, param in cases:
        with pytest.raises(openai.BadRequestError) as err:
            openai_client.images.generate(prompt="x", **kwargs)
        if message:
            assert err.value.body["message"] == message, kwargs
        assert err.value.param == param, kwargs
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.images.generate(prompt="x" * 1001)
    assert err.value.code == "string_above_max_length"
    with pytest.raises(openai.NotFoundError):
        openai_client.images.generate(prompt="x", model="dall-e-9")
    with pytest.raises(openai.BadRequestError):
        openai_client.images.generate(prompt="x", model="whisper-1")


def test_dall_e_2_edit_with_alpha_and_mask_rules(openai_client) -> None:
    result = openai_client.images.edit(image=("in.png", _png()), prompt="add a hat", model="dall-e-2",
                                       size="256x256", response_format="b64_json")
    assert _decode(result.data[0].b64_json).size == (256, 256)
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.images.edit(image=("in.png", _png(mode="RGB")), prompt="x", model="dall-e-2")
    assert err.value.body["message"] == "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB."
    with_mask = openai_client.images.edit(image=("in.png", _png(mode="RGB")), mask=("m.png", _png()),
                                          prompt="x", model="dall-e-2")
    assert with_mask.data[0].url
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.images.edit(image=io.BytesIO(_png()), prompt="x", model="dall-e-2")
    assert "unsupported mimetype ('application/octet-stream')" in err.value.body["message"]
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.images.edit(image=[("a.png", _png()), ("b.png", _png())], prompt="x", model="dall-e-2")
    assert err.value.code == "invalid_type"


def test_gpt_edit_takes_several_images_and_follows_their_shape(openai_client) -> None:
    result = openai_client.images.edit(
        image=[("wide.png", _png((300, 200), "RGB")), ("b.jpg", _png(), "image/jpeg")], prompt="merge them",
    )
    assert result.size == "1536x1024" and _decode(result.data[0].b64_json).size == (1536, 1024)
    assert result.usage.input_tokens_details.image_tokens > 0
    events = list(openai_client.images.edit(image=("a.png", _png()), prompt="x", model="gpt-image-1", stream=True))
    assert [e.type for e in events] == ["image_edit.completed"]


def test_variations(openai_client) -> None:
    result = openai_client.images.create_variation(image=("in.png", _png(mode="RGB")), n=3, size="256x256",
                                                   response_format="b64_json")
    assert [_decode(item.b64_json).size for item in result.data] == [(256, 256)] * 3
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.images.create_variation(image=("in.png", _png((64, 32))))
    assert err.value.param == "image"
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.images.create_variation(image=("in.png", _png()), model="dall-e-3")
    assert err.value.param == "model"


def test_gif_and_svg_output(openai_client) -> None:
    """The SDK's newer output formats: an animated GIF (frame_count, frame_duration_ms) and an SVG document."""
    gif = openai_client.images.generate(
        model="gpt-image-2", prompt="a lighthouse", size="1024x1536", output_format="gif", frame_count=4,
        frame_duration_ms=104, complexity="low",
    )
    animation = Image.open(io.BytesIO(base64.b64decode(gif.data[0].b64_json)))
    assert (gif.output_format, animation.format, animation.size) == ("gif", "GIF", (1024, 1536))
    assert animation.n_frames == 4 and animation.info["duration"] == 100  # rounded to 10 ms
    default = openai_client.images.generate(model="gpt-image-2", prompt="a lighthouse", output_format="gif")
    assert Image.open(io.BytesIO(base64.b64decode(default.data[0].b64_json))).n_frames == 9
    svg = openai_client.images.generate(
        model="gpt-image-2", prompt="a lighthouse", size="1536x1024", output_format="svg",
        svg={"model": "gpt-5.5", "reasoning": {"effort": "high"}},
    )
    document = base64.b64decode(svg.data[0].b64_json).decode()
    assert svg.output_format == "svg" and document.startswith("<svg xmlns=") and 'viewBox="0 0 1536 1024"' in document
    assert document.count("<rect ") == 256 and document.endswith("</svg>")
    # A multipart edit sends the author as svg[model]; the answer follows the input's shape.
    edited = openai_client.images.edit(
        model="gpt-image-2", image=("in.png", _png((96, 64)), "image/png"), prompt="make it night",
        output_format="svg", svg={"model": "gpt-5.5"},
    )
    assert edited.output_format == "svg" and b"<svg" in base64.b64decode(edited.data[0].b64_json)


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"frame_count": 3}, "frame_count"),  # GIF-only
        ({"output_format": "gif", "frame_count": 17}, "frame_count"),  # 2..16
        ({"output_format": "gif", "stream": True}, "stream"),
        ({"output_format": "gif", "output_compression": 50}, "output_compression"),
        ({"output_format": "gif", "background": "transparent"}, "background"),  # png or webp only
        ({"output_format": "svg", "n": 2}, "n"),
        ({"output_format": "svg", "partial_images": 2, "stream": True}, "stream"),
        ({"svg": {"model": "gpt-5.5"}}, "svg"),  # SVG-only
        ({"output_format": "svg", "svg": {"model": "gpt-5.5", "reasoning": {"effort": "max"}}},
         "svg.reasoning.effort"),
        ({"complexity": "extreme"}, "complexity"),
    ],
)
def test_gif_and_svg_output_rules(openai_client, params, param) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.images.generate(model="gpt-image-2", prompt="a lighthouse", **params)
    assert caught.value.body["param"] == param
