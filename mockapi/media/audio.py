"""Speech audio: a deterministic voiced signal, encoded as real mp3, opus, aac, flac, wav or pcm.

The signal (README.md): 24 kHz mono. Each character of the input gets a time
slot of ``1 / (15 * speed)`` seconds (about 150 words a minute at speed 1);
letters and digits are voiced with a harmonic tone whose pitch depends on the
voice and drifts from word to word, spaces and punctuation are silence, and
0.1 s of silence frames the whole. So duration follows text length and speed.

Encoders (offline, ../shared/reference/offline-libraries.md): soundfile
(libsndfile) for mp3, ogg/opus and flac; PyAV (bundled FFmpeg) for aac in an
ADTS stream; the standard library for wav and raw pcm (s16le).
"""

from __future__ import annotations

import hashlib
import io
import wave
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


SAMPLE_RATE = 24_000
CHARS_PER_SECOND = 15.0
FRAME = 0.1  # seconds of silence before and after
CONTENT_TYPES = {
    "mp3": "audio/mpeg", "opus": "audio/opus", "aac": "audio/aac",
    "flac": "audio/flac", "wav": "audio/wav", "pcm": "audio/pcm",
}
VOICE_PITCH = {
    "alloy": 200, "ash": 130, "ballad": 150, "coral": 220, "echo": 120, "fable": 170, "onyx": 100,
    "nova": 230, "sage": 190, "shimmer": 240, "verse": 140, "marin": 210, "cedar": 115,
}


def duration_for(text: str, speed: float) -> float:
    """Seconds of audio ``synthesize`` makes for ``text`` at ``speed``."""
    return 2 * FRAME + max(len(text), 1) / (CHARS_PER_SECOND * speed)


def pitch_of(voice: str) -> float:
    if voice in VOICE_PITCH:
        return float(VOICE_PITCH[voice])
    return 100.0 + hashlib.blake2b(voice.encode(), digest_size=1).digest()[0] / 255 * 140  # custom voices


def synthesize(text: str, voice: str, speed: float) -> np.ndarray:
    """Float32 samples in [-1, 1] at ``SAMPLE_RATE``."""
    import numpy as np  # loaded on first use: ~0.1 s of start-up

    chars = text or " "
    slot = 1.0 / (CHARS_PER_SECOND * speed)
    total = round(duration_for(text, speed) * SAMPLE_RATE)
    voiced = np.array([c.isalnum() for c in chars], dtype=np.float32)
    word_index = np.cumsum([not c.isalnum() for c in chars])
    drift = (1.0 + 0.12 * np.sin(word_index * 1.7)).astype(np.float32)
    t = np.arange(total, dtype=np.float64) / SAMPLE_RATE
    index = np.floor((t - FRAME) / slot).astype(np.int64)
    inside = (index >= 0) & (index < len(chars))
    index = np.clip(index, 0, len(chars) - 1)
    amplitude = np.where(inside, voiced[index], 0.0).astype(np.float32)
    ramp = max(1, int(0.01 * SAMPLE_RATE))  # 10 ms fades: no clicks between syllables
    amplitude = np.convolve(amplitude, np.ones(ramp, dtype=np.float32) / ramp, mode="same")
    frequency = pitch_of(voice) * np.where(inside, drift[index], 1.0)
    phase = 2 * np.pi * np.cumsum(frequency) / SAMPLE_RATE
    tone = np.sin(phase) + 0.3 * np.sin(2 * phase) + 0.1 * np.sin(3 * phase)
    seed = int.from_bytes(hashlib.blake2b(f"{voice}\x00{text}".encode(), digest_size=8).digest(), "little")
    breath = np.random.default_rng(seed).standard_normal(total) * 0.05
    return (0.35 * amplitude * (tone + breath)).astype(np.float32)


@lru_cache(maxsize=16)
def speech(text: str, voice: str, speed: float, fmt: str) -> bytes:
    """The encoded speech for one request (cached: the same request gives the same bytes)."""
    return encode(synthesize(text, voice, speed), fmt)


def encode(samples: np.ndarray, fmt: str) -> bytes:
    import numpy as np

    if fmt == "aac":
        return _aac(samples)
    pcm16 = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    if fmt == "pcm":
        return pcm16.tobytes()
    if fmt == "wav":
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm16.tobytes())
        return buffer.getvalue()
    import soundfile

    container, subtype = {"mp3": ("MP3", "MPEG_LAYER_III"), "opus": ("OGG", "OPUS"), "flac": ("FLAC", "PCM_16")}[fmt]
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, SAMPLE_RATE, format=container, subtype=subtype)
    return buffer.getvalue()


def _aac(samples: np.ndarray) -> bytes:
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="adts") as container:
        stream = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        pcm16 = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        step = SAMPLE_RATE  # PyAV re-chunks to the encoder's frame size
        for start in range(0, len(pcm16), step):
            frame = av.AudioFrame.from_ndarray(pcm16[start:start + step].reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = start
            frame.time_base = Fraction(1, SAMPLE_RATE)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def probe_duration(data: bytes) -> float | None:
    """Seconds of audio in an uploaded file, or None when it is not audio we can read."""
    import soundfile

    try:
        info = soundfile.info(io.BytesIO(data))
        if info.samplerate > 0 and info.frames > 0:
            return info.frames / info.samplerate
    except Exception:
        pass
    return _probe_av(data)


def _probe_av(data: bytes) -> float | None:
    import av

    try:
        with av.open(io.BytesIO(data)) as container:
            if not container.streams.audio:
                return None
            if container.duration:  # the container states it (mp4, m4a, webm): no need to decode it all
                return container.duration / av.time_base
            samples, rate = 0, 0
            for frame in container.decode(audio=0):
                samples += frame.samples
                rate = frame.sample_rate
            return samples / rate if rate else None
    except Exception:
        return None
