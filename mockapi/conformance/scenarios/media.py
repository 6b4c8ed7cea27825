"""Embeddings, moderations, images, audio and videos."""

from __future__ import annotations

import base64
import math

import pytest

from mockapi.conformance.scenarios._util import EMBEDDING_MODEL, data, png_rgba, wait_until, wav_tone

PNG = b"\x89PNG\r\n\x1a\n"


def scenario_embeddings(api) -> None:
    result = api.embeddings.create(model=EMBEDDING_MODEL, input=["the cat sat", "a dog ran"], encoding_format="float")
    assert result.object == "list" and [e.index for e in result.data] == [0, 1]
    vector = result.data[0].embedding
    assert len(vector) == 1536 and abs(math.sqrt(sum(x * x for x in vector)) - 1) < 1e-3
    assert result.usage.prompt_tokens > 0

    short = api.embeddings.create(model=EMBEDDING_MODEL, input="the cat sat", dimensions=256,
                                  encoding_format="float")
    assert len(short.data[0].embedding) == 256


def scenario_embedding_errors(api) -> None:
    with api.raises(400):
        api.embeddings.create(model=EMBEDDING_MODEL, input="")
    with api.raises(404):
        api.embeddings.create(model="no-such-model-conformance", input="hello")


def scenario_moderation(api) -> None:
    result = api.moderations.create(model="omni-moderation-latest", input=["I will kill you.", "Have a nice day."])
    assert result.id.startswith("modr-") and len(result.results) == 2
    violent, calm = (data(r) for r in result.results)
    assert violent["flagged"] is True and calm["flagged"] is False
    assert violent["categories"]["violence"] is True
    assert 0 <= calm["category_scores"]["violence"] <= 1


def scenario_image_generation(api) -> None:
    result = api.images.generate(model="dall-e-2", prompt="A red square on white.", size="256x256",
                                 response_format="b64_json")
    assert isinstance(result.created, int) and len(result.data) == 1
    assert base64.b64decode(result.data[0].b64_json).startswith(PNG)


def scenario_image_edit_and_variation(api) -> None:
    image = ("square.png", png_rgba(), "image/png")
    edit = api.images.edit(model="dall-e-2", image=image, prompt="Fill the corner with blue.", size="256x256",
                           response_format="b64_json")
    assert base64.b64decode(edit.data[0].b64_json).startswith(PNG)
    variation = api.images.create_variation(model="dall-e-2", image=image, n=2, size="256x256",
                                            response_format="b64_json")
    assert len(variation.data) == 2


def scenario_speech(api) -> None:
    mp3 = api.speech(model="tts-1", voice="alloy", input="Hello there.")
    assert mp3[:3] == b"ID3" or mp3[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
    wav = api.speech(model="tts-1", voice="alloy", input="Hello there.", response_format="wav")
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"


def scenario_transcription_of_speech(api) -> None:
    audio = api.speech(model="tts-1", voice="alloy", input="The quick brown fox.", response_format="wav")
    text = api.audio.transcriptions.create(model="whisper-1", file=("fox.wav", audio, "audio/wav"))
    assert text.text
    verbose = api.audio.transcriptions.create(model="whisper-1", file=("fox.wav", audio, "audio/wav"),
                                              response_format="verbose_json", timestamp_granularities=["segment"])
    assert verbose.duration > 0 and verbose.text


def scenario_translation(api) -> None:
    result = api.audio.translations.create(model="whisper-1", file=("tone.wav", wav_tone(), "audio/wav"))
    assert isinstance(result.text, str)


def scenario_audio_errors(api) -> None:
    with api.raises(400):
        api.audio.transcriptions.create(model="whisper-1", file=("notes.txt", b"not audio", "text/plain"))
    with api.raises(400) as err:
        api.speech(model="tts-1", voice="alloy", input="Too fast.", speed=10)
    assert err.param == "speed"


@pytest.mark.sdk_only("the reference client has no videos resource")
@pytest.mark.filterwarnings("ignore:The Sora API:DeprecationWarning")
def scenario_video_lifecycle(api, target) -> None:
    video = api.videos.create(prompt="A paper boat on a pond", seconds="4")
    assert video.object == "video" and video.status in ("queued", "in_progress", "completed")
    done = wait_until(lambda: api.videos.retrieve(video.id), lambda v: v.status in ("completed", "failed"),
                      target.patience, "the video")
    assert (done.status, done.progress) == ("completed", 100)
    movie = api.videos.download_content(done.id)
    assert movie.content[4:8] == b"ftyp"  # an MP4
    remix = api.videos.remix(done.id, prompt="The boat sails away")
    assert remix.remixed_from_video_id == done.id
    assert done.id in {v.id for v in api.videos.list(limit=100)}
    assert api.videos.delete(done.id).deleted is True
