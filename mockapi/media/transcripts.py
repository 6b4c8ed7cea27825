"""What transcriptions and translations say, and every response format they come in.

The text of a transcript, first match wins (README.md):
1. a script (``fake.services["transcriptions"].script(...)`` or ``/__mockapi__/transcriptions``)
   matching the file name (glob), model, task or the audio's sha256;
2. speech this fake produced (``/audio/speech``) comes back as the text it was made from;
3. otherwise ``"This is a mock transcript of <filename>."`` (``translation`` for translations).

Timing: words are spread over the audio's real duration in proportion to their
length; segments are sentences (at most 30 words). Formats: json, text, srt,
vtt, verbose_json (segments and/or words per ``timestamp_granularities``),
diarized_json (speaker turns) and the streaming delta/done events.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from mockapi import tokens
from mockapi.scriptbook import ScriptBook, Scripted, check_times

MAX_REMEMBERED = 256
SEGMENT_WORDS = 30
_SENTENCE = re.compile(r"(?<=[.!?])\s+")

# ISO-639-1 codes the transcription models accept, with the names verbose_json reports (Whisper's list).
LANGUAGES = {
    "en": "english", "zh": "chinese", "de": "german", "es": "spanish", "ru": "russian", "ko": "korean",
    "fr": "french", "ja": "japanese", "pt": "portuguese", "tr": "turkish", "pl": "polish", "ca": "catalan",
    "nl": "dutch", "ar": "arabic", "sv": "swedish", "it": "italian", "id": "indonesian", "hi": "hindi",
    "fi": "finnish", "vi": "vietnamese", "he": "hebrew", "uk": "ukrainian", "el": "greek", "ms": "malay",
    "cs": "czech", "ro": "romanian", "da": "danish", "hu": "hungarian", "ta": "tamil", "no": "norwegian",
    "th": "thai", "ur": "urdu", "hr": "croatian", "bg": "bulgarian", "lt": "lithuanian", "la": "latin",
    "mi": "maori", "ml": "malayalam", "cy": "welsh", "sk": "slovak", "te": "telugu", "fa": "persian",
    "lv": "latvian", "bn": "bengali", "sr": "serbian", "az": "azerbaijani", "sl": "slovenian", "kn": "kannada",
    "et": "estonian", "mk": "macedonian", "br": "breton", "eu": "basque", "is": "icelandic", "hy": "armenian",
    "ne": "nepali", "mn": "mongolian", "bs": "bosnian", "kk": "kazakh", "sq": "albanian", "sw": "swahili",
    "gl": "galician", "mr": "marathi", "pa": "punjabi", "si": "sinhala", "km": "khmer", "sn": "shona",
    "yo": "yoruba", "so": "somali", "af": "afrikaans", "oc": "occitan", "ka": "georgian", "be": "belarusian",
    "tg": "tajik", "sd": "sindhi", "gu": "gujarati", "am": "amharic", "yi": "yiddish", "lo": "lao",
    "uz": "uzbek", "fo": "faroese", "ht": "haitian creole", "ps": "pashto", "tk": "turkmen", "nn": "nynorsk",
    "mt": "maltese", "sa": "sanskrit", "lb": "luxembourgish", "my": "myanmar", "bo": "tibetan",
    "tl": "tagalog", "mg": "malagasy", "as": "assamese", "tt": "tatar", "haw": "hawaiian", "ln": "lingala",
    "ha": "hausa", "ba": "bashkir", "jw": "javanese", "su": "sundanese", "yue": "cantonese",
}


@dataclass
class Transcript:
    text: str
    language: str = "english"
    # Diarized turns: [{"speaker", "text"}]; None lets the renderer alternate speakers per sentence.
    turns: list[dict[str, str]] | None = None


@dataclass
class TranscriptScript:
    id: str
    transcript: Transcript
    filename: str | None = None
    model: str | None = None
    task: str | None = None
    audio_sha256: str | None = None
    times: int | None = None

    def matches(self, filename: str, model: str, task: str, digest: str) -> bool:
        return (
            (self.filename is None or fnmatch.fnmatchcase(filename, self.filename))
            and (self.model is None or self.model == model)
            and (self.task is None or self.task == task)
            and (self.audio_sha256 is None or self.audio_sha256 == digest)
        )

    def describe(self) -> dict[str, Any]:
        match = {k: v for k, v in {"filename": self.filename, "model": self.model, "task": self.task,
                                    "audio_sha256": self.audio_sha256}.items() if v is not None}
        return {"id": self.id, "match": match, "text": self.transcript.text, "language": self.transcript.language,
                "turns": self.transcript.turns, "times": self.times}


@dataclass
class TranscriptionService(Scripted[TranscriptScript]):
    """``fake.services["transcriptions"]``: scripted transcripts and the memory of spoken audio."""

    _book: ScriptBook[TranscriptScript] = field(default_factory=ScriptBook)
    _spoken: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)  # guards _spoken

    def script(
        self,
        text: str | None = None,
        *,
        turns: list[dict[str, str]] | None = None,
        language: str = "english",
        filename: str | None = None,
        model: str | None = None,
        task: str | None = None,
        audio_sha256: str | None = None,
        times: int | None = None,
    ) -> str:
        """What matching audio transcribes to. ``turns=[{"speaker": "agent", "text": "Hi."}, ...]`` sets
        diarized speakers (the text is then their words joined). ``filename`` is a glob (``"*.wav"``);
        ``task`` is ``"transcribe"`` or ``"translate"``. Returns the script id."""
        if turns is not None:
            if not all(isinstance(t, dict) and isinstance(t.get("text"), str) for t in turns):
                raise ValueError("turns must be objects with a text (and optionally a speaker)")
            turns = [{"speaker": str(t.get("speaker") or "A"), "text": t["text"]} for t in turns]
            text = " ".join(t["text"] for t in turns) if text is None else text
        if not isinstance(text, str):
            raise ValueError("a transcript script needs text (or turns)")
        if task not in (None, "transcribe", "translate"):
            raise ValueError("task must be 'transcribe' or 'translate'")
        check_times(times)
        return self._book.add(TranscriptScript(
            f"transcript_{self._book.number()}", Transcript(text, language, turns), filename=filename, model=model,
            task=task, audio_sha256=audio_sha256, times=times,
        ))  # fmt: skip

    def clear(self) -> None:
        super().clear()
        with self._lock:
            self._spoken.clear()

    def remember_speech(self, audio: bytes, text: str) -> None:
        """Audio made by /audio/speech transcribes back to its text."""
        with self._lock:
            self._spoken[_digest(audio)] = text
            while len(self._spoken) > MAX_REMEMBERED:
                self._spoken.popitem(last=False)

    def transcript(self, audio: bytes, filename: str, model: str, task: str) -> Transcript:
        digest = _digest(audio)
        script = self._book.take(lambda s: s.matches(filename, model, task, digest))
        if script is not None:
            return script.transcript
        with self._lock:
            spoken = self._spoken.get(digest)
        if spoken is not None:
            return Transcript(spoken)
        noun = "translation" if task == "translate" else "transcript"
        return Transcript(f"This is a mock {noun} of {filename}.")


def _digest(audio: bytes) -> str:
    return hashlib.sha256(audio).hexdigest()


# -- timing ---------------------------------------------------------------------------------------


@dataclass
class Word:
    word: str
    start: float
    end: float


def words_of(text: str, duration: float) -> list[Word]:
    """Every word with a start and end: the audio's duration shared out by word length."""
    parts = text.split()
    if not parts:
        return []
    weights = [len(p) + 1 for p in parts]
    scale = duration / sum(weights)
    out, clock = [], 0.0
    for part, weight in zip(parts, weights, strict=True):
        start = clock
        clock += weight * scale
        out.append(Word(part, round(start, 2), round(start + (weight - 1) * scale, 2)))
    return out


def sentences(text: str, duration: float) -> list[tuple[str, float, float]]:
    """(text, start, end) per segment: sentences, split further after SEGMENT_WORDS words."""
    words = words_of(text, duration)
    segments: list[tuple[str, float, float]] = []
    position = 0
    for sentence in _SENTENCE.split(text.strip()):
        count = len(sentence.split())
        for first in range(0, count, SEGMENT_WORDS):
            chunk = words[position + first:position + min(count, first + SEGMENT_WORDS)]
            if chunk:
                segments.append((" ".join(w.word for w in chunk), chunk[0].start, chunk[-1].end))
        position += count
    return segments


# -- formats --------------------------------------------------------------------------------------


def verbose(
    transcript: Transcript, duration: float, task: str, granularities: list[str], usage: dict[str, Any] | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"task": task, "language": transcript.language, "duration": round(duration, 2),
                            "text": transcript.text}
    if "word" in granularities:
        body["words"] = [{"word": w.word, "start": w.start, "end": w.end} for w in words_of(transcript.text, duration)]
    if "segment" in granularities or not granularities:
        body["segments"] = [_segment(i, text, start, end) for i, (text, start, end) in
                            enumerate(sentences(transcript.text, duration))]
    if usage is not None:
        body["usage"] = usage
    return body


def _segment(index: int, text: str, start: float, end: float) -> dict[str, Any]:
    spoken = " " + text  # Whisper segments start with a space
    return {
        "id": index, "seek": int(start // 30) * 3000, "start": start, "end": end, "text": spoken,
        "tokens": tokens.encode(spoken, "whisper-1"), "temperature": 0.0,
        "avg_logprob": round(-0.15 - 0.1 * _fraction(text), 6), "compression_ratio": round(1.2 + 0.4 * _fraction(
            text[::-1]), 6), "no_speech_prob": round(0.01 * _fraction(text + "\x00"), 8),
    }


def diarized(transcript: Transcript, duration: float, speakers: list[str], usage: dict[str, Any]) -> dict[str, Any]:
    return {"task": "transcribe", "duration": round(duration, 2), "text": transcript.text,
            "segments": diarized_segments(transcript, duration, speakers), "usage": usage}


def diarized_segments(transcript: Transcript, duration: float, speakers: list[str]) -> list[dict[str, Any]]:
    """Speaker turns: the script's, or one per sentence alternating over ``speakers`` (default A, B)."""
    names = speakers or ["A", "B"]
    if transcript.turns is not None:
        turns = transcript.turns
        words = words_of(transcript.text, duration)
        out, position = [], 0
        for i, turn in enumerate(turns):
            count = len(turn["text"].split())
            chunk = words[position:position + count] or words[-1:] or [Word("", 0.0, 0.0)]
            position += count
            out.append(_turn(i, turn["text"], chunk[0].start, chunk[-1].end, turn["speaker"]))
        return out
    return [_turn(i, text, start, end, names[i % len(names)])
            for i, (text, start, end) in enumerate(sentences(transcript.text, duration))]


def _turn(index: int, text: str, start: float, end: float, speaker: str) -> dict[str, Any]:
    return {"type": "transcript.text.segment", "id": f"seg_{index:03d}", "start": start, "end": end,
            "text": text, "speaker": speaker}


def srt(text: str, duration: float) -> str:
    blocks = [f"{i}\n{_stamp(start, ',')} --> {_stamp(end, ',')}\n{line}\n"
              for i, (line, start, end) in enumerate(sentences(text, duration), start=1)]
    return "\n".join(blocks) + "\n"


def vtt(text: str, duration: float) -> str:
    cues = [f"{_stamp(start, '.')} --> {_stamp(end, '.')}\n{line}\n" for line, start, end in sentences(text, duration)]
    return "WEBVTT\n\n" + "\n".join(cues) + "\n"


def _stamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def logprobs(text: str) -> list[dict[str, Any]]:
    """One entry per token of ``text``: a confident, stable log probability."""
    out = []
    for token in tokens.encode(text, "gpt-4o"):
        piece = tokens.decode([token], "gpt-4o")
        out.append({"token": piece, "logprob": round(-0.001 - 0.05 * _fraction(f"{token}"), 6),
                    "bytes": list(piece.encode())})
    return out


def duration_usage(duration: float) -> dict[str, Any]:
    return {"type": "duration", "seconds": max(1, math.ceil(duration))}


def token_usage(text: str, duration: float, prompt: str | None) -> dict[str, Any]:
    """gpt-4o transcription billing: audio tokens (10 per second, an estimate) + prompt text, and the output."""
    audio_tokens = max(1, math.ceil(duration * 10))
    text_tokens = tokens.count(prompt or "", "gpt-4o")
    output = tokens.count(text, "gpt-4o")
    return {"type": "tokens", "input_tokens": audio_tokens + text_tokens,
            "input_token_details": {"text_tokens": text_tokens, "audio_tokens": audio_tokens},
            "output_tokens": output, "total_tokens": audio_tokens + text_tokens + output}


def _fraction(seed: str) -> float:
    return int.from_bytes(hashlib.blake2b(seed.encode(), digest_size=4).digest()) / 2**32
