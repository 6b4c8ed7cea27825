"""``/audio``: speech (bytes back), transcriptions and translations (multipart; text formats come back as str)."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource, file_part
from mockapi_client.types.audio import Transcription


class Speech(SyncAPIResource):
    def create(self, *, model: str, input: str, voice: Any, **params: Any) -> bytes:
        params, options = split_options(params)
        body = {"model": model, "input": input, "voice": voice, **params}
        return self._post("/audio/speech", bytes, body=body, options=options)


class Transcriptions(SyncAPIResource):
    path = "/audio/transcriptions"

    def create(self, *, file: Any, model: str, **params: Any) -> Transcription | str:
        """``response_format`` text/srt/vtt returns the text as ``str``."""
        params, options = split_options(params)
        files = {"file": file_part(file)}
        return self._post(self.path, Transcription, form={"model": model, **params}, files=files, options=options)


class Translations(Transcriptions):
    path = "/audio/translations"


class AsyncSpeech(AsyncAPIResource):
    async def create(self, *, model: str, input: str, voice: Any, **params: Any) -> bytes:
        params, options = split_options(params)
        body = {"model": model, "input": input, "voice": voice, **params}
        return await self._post("/audio/speech", bytes, body=body, options=options)


class AsyncTranscriptions(AsyncAPIResource):
    path = "/audio/transcriptions"

    async def create(self, *, file: Any, model: str, **params: Any) -> Transcription | str:
        params, options = split_options(params)
        files = {"file": file_part(file)}
        return await self._post(
            self.path, Transcription, form={"model": model, **params}, files=files, options=options
        )


class AsyncTranslations(AsyncTranscriptions):
    path = "/audio/translations"
