"""Audio with the official SDK: real speech in every format, transcripts in every format, scripts, streaming."""

from __future__ import annotations

import base64
import io
import json
import re
import wave
from itertools import pairwise

import av
import openai
import pytest
import soundfile

from mockapi.contract import Contract
from mockapi.media import audio
from mockapi.media import transcripts as tx

SENTENCE = "Hello world. This is the fake speaking to you."


def _speech(client, fmt: str | None = None, **kwargs) -> bytes:
    extra = {"response_format": fmt} if fmt else {}
    params = {"model": "tts-1", "voice": "alloy", "input": SENTENCE, **extra, **kwargs}
    return client.audio.speech.create(**params).read()


def _seconds(data: bytes) -> float:
    return soundfile.info(io.BytesIO(data)).duration


def test_default_mp3_decodes_to_audio_with_duration(openai_client, mockapi) -> None:
    response = openai_client.audio.speech.create(model="tts-1", voice="alloy", input=SENTENCE)
    assert response.response.headers["content-type"] == "audio/mpeg"
    data = response.read()
    info = soundfile.info(io.BytesIO(data))
    assert info.format == "MP3" and info.samplerate == 24000 and info.channels == 1
    assert info.duration == pytest.approx(audio.duration_for(SENTENCE, 1.0), abs=0.05) and info.duration > 0
    assert mockapi.journal.entries(path="/v1/audio/speech")[-1].headers["accept"] == "application/octet-stream"


def test_every_format_is_real_audio(openai_client) -> None:
    expected = audio.duration_for(SENTENCE, 1.0)
    wav = _speech(openai_client, "wav")
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    with wave.open(io.BytesIO(wav)) as parsed:
        assert (parsed.getnchannels(), parsed.getsampwidth(), parsed.getframerate()) == (1, 2, 24000)
        assert parsed.getnframes() / 24000 == pytest.approx(expected, abs=0.01)
    flac = _speech(openai_client, "flac")
    assert flac[:4] == b"fLaC" and _seconds(flac) == pytest.approx(expected, abs=0.01)
    opus = _speech(openai_client, "opus")
    assert opus[:4] == b"OggS" and soundfile.info(io.BytesIO(opus)).subtype == "OPUS"
    pcm = _speech(openai_client, "pcm")
    assert len(pcm) == 2 * round(expected * 24000)  # raw s16le, 24 kHz mono
    aac = _speech(openai_client, "aac")
    assert aac[0] == 0xFF and aac[1] & 0xF0 == 0xF0  # ADTS sync word
    with av.open(io.BytesIO(aac)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        samples = sum(frame.samples for frame in container.decode(audio=0))
    assert samples / 24000 == pytest.approx(expected, abs=0.15)  # AAC adds encoder priming


def test_duration_follows_text_length_and_speed(openai_client) -> None:
    normal = _seconds(_speech(openai_client, "wav"))
    fast = _seconds(_speech(openai_client, "wav", speed=2.0))
    longer = _seconds(_speech(openai_client, "wav", input=SENTENCE * 3))
    assert fast < normal < longer
    assert longer == pytest.approx(audio.duration_for(SENTENCE * 3, 1.0), abs=0.01)
    assert _speech(openai_client, "wav") == _speech(openai_client, "wav")  # deterministic
    assert _speech(openai_client, "wav") != _speech(openai_client, "wav", voice="onyx")


def test_speech_validation(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        _speech(openai_client, instructions="whisper")
    assert (err.value.code, err.value.param) == ("unsupported_parameter", "instructions")
    with pytest.raises(openai.BadRequestError) as err:
        _speech(openai_client, stream_format="sse")
    assert err.value.param == "stream_format"
    with pytest.raises(openai.BadRequestError) as err:
        _speech(openai_client, voice="marin")  # a gpt-4o-mini-tts voice
    assert (err.value.code, err.value.param) == ("invalid_value", "voice")
    with pytest.raises(openai.BadRequestError) as err:
        _speech(openai_client, speed=5)
    assert err.value.param == "speed"
    with pytest.raises(openai.BadRequestError) as err:
        _speech(openai_client, input="x" * 4097)
    assert err.value.param == "input"
    with pytest.raises(openai.NotFoundError):
        _speech(openai_client, model="tts-9")
    with pytest.raises(openai.BadRequestError):
        _speech(openai_client, model="whisper-1")
    with pytest.raises(openai.NotFoundError) as err:  # a custom voice must exist (tests/test_voices.py)
        _speech(openai_client, "wav", model="gpt-4o-mini-tts", voice={"id": "voice_123"}, instructions="calm")
    assert err.value.param == "voice.id"


def test_speech_as_server_sent_events(http) -> None:
    response = http.post("/v1/audio/speech", json={
        "model": "gpt-4o-mini-tts", "voice": "coral", "input": SENTENCE, "response_format": "wav",
        "stream_format": "sse",
    })
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]
    assert {e["type"] for e in events[:-1]} == {"speech.audio.delta"}
    assert events[-1]["type"] == "speech.audio.done" and events[-1]["usage"]["input_tokens"] > 0
    wav = b"".join(base64.b64decode(e["audio"]) for e in events[:-1])
    assert wav[:4] == b"RIFF" and _seconds(wav) == pytest.approx(audio.duration_for(SENTENCE, 1.0), abs=0.01)


def test_speech_transcribes_back_to_its_text(openai_client) -> None:
    spoken = _speech(openai_client)
    result = openai_client.audio.transcriptions.create(model="whisper-1", file=("speech.mp3", spoken))
    assert result.text == SENTENCE
    assert result.usage.type == "duration" and result.usage.seconds == 4


def test_srt_and_vtt_are_well_formed(openai_client) -> None:
    spoken = _speech(openai_client)
    srt = openai_client.audio.transcriptions.create(model="whisper-1", file=("s.mp3", spoken), response_format="srt")
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == 2
    stamp = r"\d{2}:\d{2}:\d{2},\d{3} --> \d{2}:\d{2}:\d{2},\d{3}"
    for number, block in enumerate(blocks, start=1):
        index, timing, text = block.split("\n")
        assert index == str(number) and re.fullmatch(stamp, timing) and text
    assert [b.split("\n")[2] for b in blocks] == ["Hello world.", "This is the fake speaking to you."]
    vtt = openai_client.audio.transcriptions.create(model="whisper-1", file=("s.mp3", spoken), response_format="vtt")
    header, *cues = vtt.strip().split("\n\n")
    assert header == "WEBVTT" and len(cues) == 2
    for cue in cues:
        timing, text = cue.split("\n")
        assert re.fullmatch(stamp.replace(",", r"\."), timing) and text
    text = openai_client.audio.transcriptions.create(model="whisper-1", file=("s.mp3", spoken), response_format="text")
    assert text == SENTENCE + "\n"


def test_verbose_json_segments_and_words(openai_client) -> None:
    spoken = _speech(openai_client)
    duration = _seconds(spoken)
    result = openai_client.audio.transcriptions.create(
        model="whisper-1", file=("s.mp3", spoken), response_format="verbose_json",
        timestamp_granularities=["word", "segment"], language="en",
    )
    assert result.language == "english" and result.duration == pytest.approx(duration, abs=0.01)
    assert [w.word for w in result.words] == SENTENCE.split()
    assert all(a.end <= b.start for a, b in pairwise(result.words))
    assert result.words[-1].end <= duration
    assert [s.text for s in result.segments] == [" Hello world.", " This is the fake speaking to you."]
    only_words = openai_client.audio.transcriptions.create(
        model="whisper-1", file=("s.mp3", spoken), response_format="verbose_json", timestamp_granularities=["word"],
    )
    assert only_words.segments is None and only_words.words
    default = openai_client.audio.transcriptions.create(model="whisper-1", file=("s.mp3", spoken),
                                                        response_format="verbose_json")
    assert default.segments and default.words is None


def test_scripted_transcripts_python_and_http(openai_client, mockapi, http) -> None:
    service = mockapi.services["transcriptions"]
    wav = _speech(openai_client, "wav")
    service.script("Scripted words.", filename="meeting-*.wav", times=1)
    first = openai_client.audio.transcriptions.create(model="whisper-1", file=("meeting-1.wav", wav))
    second = openai_client.audio.transcriptions.create(model="whisper-1", file=("meeting-1.wav", wav))
    assert (first.text, second.text) == ("Scripted words.", SENTENCE)
    created = http.post("/__mockapi__/transcriptions", json={
        "text": "Bonjour tout le monde.", "language": "french", "match": {"task": "transcribe", "model": "whisper-1"},
    }).json()
    result = openai_client.audio.transcriptions.create(model="whisper-1", file=("x.wav", wav),
                                                       response_format="verbose_json")
    assert (result.text, result.language) == ("Bonjour tout le monde.", "french")
    assert openai_client.audio.translations.create(model="whisper-1", file=("x.wav", wav)).text == SENTENCE
    assert [s["id"] for s in http.get("/__mockapi__/transcriptions").json()["data"]] == [created["id"]]
    assert http.delete(f"/__mockapi__/transcriptions/{created['id']}").json() == {"deleted": True}
    mockapi.reset()
    unknown = openai_client.audio.transcriptions.create(model="whisper-1", file=("x.wav", wav))
    assert unknown.text == "This is a mock transcript of x.wav."  # reset forgot the spoken audio too
    assert http.post("/__mockapi__/transcriptions", json={"match": {"file": "x"}}).status_code == 400


def test_translations(openai_client) -> None:
    wav = _speech(openai_client, "wav")
    for fmt in ("json", "verbose_json", "text", "srt", "vtt"):
        result = openai_client.audio.translations.create(model="whisper-1", file=("x.wav", wav), response_format=fmt)
        assert SENTENCE.split(".")[0] in (result if isinstance(result, str) else result.text)
    verbose = openai_client.audio.translations.create(model="whisper-1", file=("x.wav", wav),
                                                      response_format="verbose_json")
    assert verbose.task == "translate" and verbose.segments
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.audio.translations.create(model="gpt-4o-transcribe", file=("x.wav", wav))
    assert err.value.param == "model"


def test_gpt_4o_transcribe_json_usage_logprobs_and_stream(openai_client) -> None:
    wav = _speech(openai_client, "wav")
    result = openai_client.audio.transcriptions.create(model="gpt-4o-transcribe", file=("x.wav", wav),
                                                       include=["logprobs"])
    assert result.text == SENTENCE and result.usage.type == "tokens"
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    assert "".join(lp.token for lp in result.logprobs) == SENTENCE
    events = list(openai_client.audio.transcriptions.create(model="gpt-4o-mini-transcribe", file=("x.wav", wav),
                                                            stream=True))
    deltas = [e for e in events if e.type == "transcript.text.delta"]
    assert "".join(d.delta for d in deltas) == SENTENCE and len(deltas) == len(SENTENCE.split())
    assert events[-1].type == "transcript.text.done" and events[-1].text == SENTENCE
    assert events[-1].usage.output_tokens > 0
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.audio.transcriptions.create(model="gpt-4o-transcribe", file=("x.wav", wav),
                                                  response_format="srt")
    assert err.value.param == "response_format"
    assert "not compatible with model 'gpt-4o-transcribe'" in err.value.body["message"]


def test_whisper_ignores_stream(http) -> None:
    wav = audio.encode(audio.synthesize("hi there", "alloy", 1.0), "wav")
    response = http.post("/v1/audio/transcriptions", files={"file": ("a.wav", wav)},
                         data={"model": "whisper-1", "stream": "true"})
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["text"] == "This is a mock transcript of a.wav."


def test_bad_uploads(openai_client) -> None:
    wav = _speech(openai_client, "wav")
    cases = [
        (("notes.txt", wav), "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', "
                             "'mpga', 'oga', 'ogg', 'wav', 'webm']"),
        (("broken.mp3", b"definitely not audio"), "Audio file might be corrupted or unsupported"),
        (("short.wav", audio.encode(audio.synthesize("", "alloy", 1.0)[:1000], "wav")),
         "Audio file is too short. Minimum audio length is 0.1 seconds."),
    ]
    for file, message in cases:
        with pytest.raises(openai.BadRequestError) as err:
            openai_client.audio.transcriptions.create(model="whisper-1", file=file)
        assert err.value.body["message"] == message
    with pytest.raises(openai.BadRequestError) as err:
        openai_client.audio.transcriptions.create(model="whisper-1", file=("a.wav", wav), language="english")
    assert err.value.code == "invalid_language_format"
    with pytest.raises(openai.NotFoundError):
        openai_client.audio.transcriptions.create(model="whisper-9", file=("a.wav", wav))


def test_oversized_upload_is_413(openai_client) -> None:
    with pytest.raises(openai.APIStatusError) as err:
        openai_client.audio.transcriptions.create(model="whisper-1", file=("big.wav", b"\0" * 26_214_401))
    assert err.value.status_code == 413
    assert err.value.body["message"] == "Maximum content size limit (26214400) exceeded (26214401 bytes read)"


def test_diarized_rendering_matches_the_contract() -> None:
    validator = Contract.load().component_validator("CreateTranscriptionResponseDiarizedJson").validator
    scripted = tx.Transcript("Hi there. How can I help?", turns=[{"speaker": "agent", "text": "Hi there."},
                                                                  {"speaker": "customer", "text": "How can I help?"}])
    body = tx.diarized(scripted, 3.0, [], tx.token_usage(scripted.text, 3.0, None))
    assert validator.is_valid(body)
    assert [(s["speaker"], s["text"]) for s in body["segments"]] == [("agent", "Hi there."),
                                                                     ("customer", "How can I help?")]
    default = tx.diarized_segments(tx.Transcript("One. Two. Three."), 3.0, ["ann", "bob"])
    assert [s["speaker"] for s in default] == ["ann", "bob", "ann"]
    assert default[0]["start"] == 0 and default[-1]["end"] <= 3.0


def test_gpt_transcribe_takes_keywords_and_language_hints(openai_client) -> None:
    """openai 3.54's gpt-transcribe hints (multipart keywords[] / languages[]) are accepted and checked."""
    audio = _speech(openai_client, "wav")
    result = openai_client.audio.transcriptions.create(
        model="gpt-transcribe", file=("hello.wav", audio), keywords=["mockapi", "fake"], languages=["en", "fr"],
    )
    assert result.text == SENTENCE
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.audio.transcriptions.create(model="gpt-transcribe", file=("hello.wav", audio),
                                                  languages=["en", "klingon"])
    assert caught.value.body["param"] == "languages[1]" and caught.value.code == "invalid_language_format"
