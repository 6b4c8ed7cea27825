"""The foundation's acceptance with the official SDK: files, models and typed errors."""

from __future__ import annotations

import io
import typing

import openai
import pytest

JSONL = b'{"custom_id": "a", "method": "POST", "url": "/v1/chat/completions", "body": {}}\n'


def test_file_round_trip(openai_client) -> None:
    payload = bytes(range(256)) * 40  # binary, not UTF-8: must come back byte for byte
    created = openai_client.files.create(file=("data.bin", io.BytesIO(payload)), purpose="assistants")
    assert created.id.startswith("file-") and len(created.id) == len("file-") + 22
    assert created.bytes == len(payload) and created.filename == "data.bin" and created.purpose == "assistants"
    assert created.status == "processed"

    listed = openai_client.files.list()
    assert [f.id for f in listed.data] == [created.id]
    assert openai_client.files.retrieve(created.id).created_at == created.created_at
    assert openai_client.files.content(created.id).read() == payload

    gone = openai_client.files.delete(created.id)
    assert gone.deleted is True and gone.id == created.id
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.files.retrieve(created.id)
    assert err.value.status_code == 404
    assert err.value.body == {
        "message": f"No such File object: {created.id}", "type": "invalid_request_error", "param": "id", "code": None,
    }


def test_batch_file_expires_after_30_days(openai_client) -> None:
    created = openai_client.files.create(file=("in.jsonl", io.BytesIO(JSONL)), purpose="batch")
    assert created.expires_at == created.created_at + 30 * 24 * 3600


@pytest.mark.mockapi(manual_clock=True)
def test_an_expired_file_leaves_the_list_too(mockapi, openai_client) -> None:
    short = openai_client.files.create(
        file=("a.txt", b"a"), purpose="assistants", expires_after={"anchor": "created_at", "seconds": 3600}
    )
    kept = openai_client.files.create(file=("b.txt", b"b"), purpose="assistants")
    assert [f.id for f in openai_client.files.list()] == [kept.id, short.id]
    mockapi.advance(3600)
    assert [f.id for f in openai_client.files.list()] == [kept.id]
    assert [f.id for f in openai_client.files.list(purpose="assistants")] == [kept.id]
    with pytest.raises(openai.NotFoundError):
        openai_client.files.retrieve(short.id)


def test_list_filters_by_purpose_newest_first(openai_client) -> None:
    ids = [
        openai_client.files.create(file=(f"f{i}.jsonl", io.BytesIO(JSONL)), purpose=p).id
        for i, p in enumerate(["batch", "assistants", "batch"])
    ]
    batch = openai_client.files.list(purpose="batch")
    assert [f.id for f in batch.data] == [ids[2], ids[0]]
    pages = list(openai_client.files.list(limit=1))
    assert [f.id for f in pages] == list(reversed(ids))


def test_models(openai_client) -> None:
    models = openai_client.models.list()
    ids = {m.id for m in models.data}
    assert {"gpt-4o-mini", "text-embedding-3-small", "whisper-1", "dall-e-3", "o3-mini"} <= ids
    model = openai_client.models.retrieve("gpt-4o-mini")
    assert model.object == "model" and model.owned_by == "system"
    with pytest.raises(openai.NotFoundError) as err:
        openai_client.models.retrieve("gpt-nope")
    assert err.value.code == "model_not_found"
    assert "The model `gpt-nope` does not exist" in err.value.message
    with pytest.raises(openai.PermissionDeniedError):
        openai_client.models.delete("gpt-4o-mini")



def test_current_models_are_listed_and_retrievable(openai_client) -> None:
    ids = {m.id for m in openai_client.models.list()}
    assert {"gpt-5.4", "gpt-5.4-mini", "gpt-5.4-mini-2026-03-17", "gpt-5.2", "gpt-5.1-2025-11-13",
            "gpt-5.3-chat-latest", "gpt-5-2025-08-07", "o3-pro", "gpt-5-pro", "gpt-5.1-codex-max",
            "gpt-4o-search-preview", "gpt-4o-mini-search-preview-2025-03-11"} <= ids
    model = openai_client.models.retrieve("gpt-5.4-mini")
    assert model.id == "gpt-5.4-mini" and model.object == "model" and model.owned_by == "system"
    assert model.created >= 1773705600  # not before the 2026-03-17 snapshot
    # Left out on purpose: "gpt-5.1-mini" (the SDK: "Not a supported model ID") and the audio previews.
    for missing in ("gpt-5.1-mini", "gpt-4o-audio-preview"):
        with pytest.raises(openai.NotFoundError):
            openai_client.models.retrieve(missing)


# Model ids the official SDK offers that the fake leaves out on purpose (contracts/README.md, "Current models"):
# shut down per the SDK's own docstrings, "Not a supported model ID", audio output, or access-gated.
SDK_MODELS_LEFT_OUT = {
    "gpt-3.5-turbo-0301", "gpt-3.5-turbo-0613", "gpt-3.5-turbo-1106", "gpt-3.5-turbo-16k", "gpt-3.5-turbo-16k-0613",
    "gpt-4-0314", "gpt-4-0125-preview", "gpt-4-1106-preview", "gpt-4-turbo-preview", "gpt-4-vision-preview",
    "gpt-4-32k", "gpt-4-32k-0314", "gpt-4-32k-0613", "o1-preview", "o1-preview-2024-09-12", "gpt-5.1-mini",
    "gpt-4o-audio-preview", "gpt-4o-audio-preview-2024-10-01", "gpt-4o-audio-preview-2024-12-17",
    "gpt-4o-audio-preview-2025-06-03", "gpt-4o-mini-audio-preview", "gpt-4o-mini-audio-preview-2024-12-17",
    "computer-use-preview", "computer-use-preview-2025-03-11",
    "gpt-daybreak-blue-latest", "gpt-daybreak-red-latest", "gpt-5.6-cyber", "gpt-6-cyber", "gpt-rosalind-research",
    "gpt-6-rosalind", "gpt-6.2-astra-law", "gpt-6-astra-healthcare", "gpt-6.1-sol-healthcare",
    "gpt-6.2-astra-healthcare", "gpt-6.2-sol-healthcare",
}


def _sdk_model_ids() -> set[str]:
    """Every model id in the installed SDK's model Literals (chat, Responses, image, transcription, video)."""
    from openai.types import audio_model, image_model, video_model
    from openai.types.shared import chat_model, responses_model

    aliases = (chat_model.ChatModel, responses_model.ResponsesModel, image_model.ImageModel, audio_model.AudioModel,
               video_model.VideoModel)
    found: set[str] = set()
    pending = list(aliases)
    while pending:
        alias = pending.pop()
        for arg in typing.get_args(alias):
            if isinstance(arg, str):
                found.add(arg)
            else:
                pending.append(arg)
    return found


def test_every_model_the_sdk_offers_is_served(openai_client) -> None:
    """A model picked from the SDK's autocomplete (gpt-5.5, gpt-6-astra, gpt-image-2.5-flare...) is not a 404."""
    served = {m.id for m in openai_client.models.list()}
    expected = _sdk_model_ids() - SDK_MODELS_LEFT_OUT
    assert {"gpt-6-astra", "gpt-5.6-sol", "gpt-image-2.5-sunburst", "gpt-transcribe"} <= expected
    assert sorted(expected - served) == []
    assert sorted(SDK_MODELS_LEFT_OUT & served) == []  # a stale entry here would hide a regression
    astra = openai_client.models.retrieve("gpt-6-astra")
    assert astra.created == 1788393600 and astra.owned_by == "system"  # 2026-09-03
    picture = openai_client.images.generate(model="gpt-image-2.5-flare", prompt="a lighthouse", size="1024x1024")
    assert picture.data[0].b64_json and picture.usage.output_tokens > 0


def test_authentication_error(mockapi) -> None:
    # A client whose Authorization header is not Bearer: the real API says no key was provided.
    client = mockapi.openai_client(default_headers={"Authorization": "Basic Zm9vOg=="},
                                   _strict_response_validation=True)
    with pytest.raises(openai.AuthenticationError) as err:
        client.models.list()
    assert err.value.status_code == 401
    assert err.value.body["message"].startswith("You didn't provide an API key.")


@pytest.mark.mockapi(api_keys={"sk-good": {}})
def test_invalid_key_when_keys_are_configured(mockapi) -> None:
    bad = mockapi.openai_client(api_key="sk-bad-key-123456789", _strict_response_validation=True)
    with pytest.raises(openai.AuthenticationError) as err:
        bad.models.list()
    assert err.value.code == "invalid_api_key"
    assert "Incorrect API key provided: sk-bad-k" in err.value.message
    good = mockapi.openai_client(api_key="sk-good", _strict_response_validation=True)
    assert good.models.list().data


def test_bad_request_error(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.files.create(file=("x.txt", io.BytesIO(b"hello")), purpose="batch")
    assert err.value.status_code == 400
    assert err.value.message.endswith("Invalid file format for Batch API. Must be .jsonl")


def test_two_keys_see_disjoint_objects(mockapi) -> None:
    alice = mockapi.openai_client(api_key="sk-alice", _strict_response_validation=True)
    bob = mockapi.openai_client(api_key="sk-bob", _strict_response_validation=True)
    a_file = alice.files.create(file=("a.txt", io.BytesIO(b"alice")), purpose="assistants")
    b_file = bob.files.create(file=("b.txt", io.BytesIO(b"bob")), purpose="assistants")
    assert [f.id for f in alice.files.list()] == [a_file.id]
    assert [f.id for f in bob.files.list()] == [b_file.id]
    with pytest.raises(openai.NotFoundError):
        bob.files.retrieve(a_file.id)
    with pytest.raises(openai.NotFoundError):
        bob.files.delete(a_file.id)
    assert alice.files.retrieve(a_file.id).id == a_file.id


def test_uploads_assemble_parts(openai_client) -> None:
    data = b"line one\n" * 100 + b"tail"
    upload = openai_client.uploads.create(bytes=len(data), filename="big.txt", mime_type="text/plain",
                                          purpose="assistants")
    assert upload.status == "pending"
    first = openai_client.uploads.parts.create(upload.id, data=data[:500])
    second = openai_client.uploads.parts.create(upload.id, data=data[500:])
    done = openai_client.uploads.complete(upload.id, part_ids=[first.id, second.id])
    assert done.status == "completed" and done.file is not None
    assert openai_client.files.content(done.file.id).read() == data
    with pytest.raises(openai.BadRequestError):
        openai_client.uploads.parts.create(upload.id, data=b"late")


@pytest.mark.anyio
async def test_async_client_round_trip(async_openai_client) -> None:
    created = await async_openai_client.files.create(file=("a.txt", b"async bytes"), purpose="user_data")
    assert (await async_openai_client.files.retrieve(created.id)).bytes == len(b"async bytes")
    content = await async_openai_client.files.content(created.id)
    assert content.read() == b"async bytes"
    assert [f.id async for f in async_openai_client.files.list()] == [created.id]
    assert (await async_openai_client.files.delete(created.id)).deleted
    with pytest.raises(openai.NotFoundError):
        await async_openai_client.files.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        await async_openai_client.models.retrieve("nope")
