"""``/images``: generations (JSON), edits and variations (multipart)."""

from __future__ import annotations

from typing import Any

from mockapi_client.options import split_options
from mockapi_client.resources.base import AsyncAPIResource, SyncAPIResource, file_part
from mockapi_client.types.images import ImagesResponse


def _image_files(image: Any, mask: Any = None) -> list[tuple[str, Any]]:
    """One image as ``image``; several (GPT image models) as ``image[]``; optional ``mask``."""
    images = image if isinstance(image, list) else [image]
    field = "image[]" if isinstance(image, list) else "image"
    files = [(field, file_part(i)) for i in images]
    if mask is not None:
        files.append(("mask", file_part(mask)))
    return files


class Images(SyncAPIResource):
    def generate(self, *, prompt: str, **params: Any) -> ImagesResponse:
        params, options = split_options(params)
        return self._post("/images/generations", ImagesResponse, body={"prompt": prompt, **params}, options=options)

    def edit(self, *, image: Any, prompt: str, mask: Any = None, **params: Any) -> ImagesResponse:
        params, options = split_options(params)
        files = _image_files(image, mask)
        return self._post(
            "/images/edits", ImagesResponse, form={"prompt": prompt, **params}, files=files, options=options
        )

    def create_variation(self, *, image: Any, **params: Any) -> ImagesResponse:
        params, options = split_options(params)
        return self._post("/images/variations", ImagesResponse, form=params, files=_image_files(image), options=options)


class AsyncImages(AsyncAPIResource):
    async def generate(self, *, prompt: str, **params: Any) -> ImagesResponse:
        params, options = split_options(params)
        body = {"prompt": prompt, **params}
        return await self._post("/images/generations", ImagesResponse, body=body, options=options)

    async def edit(self, *, image: Any, prompt: str, mask: Any = None, **params: Any) -> ImagesResponse:
        params, options = split_options(params)
        files = _image_files(image, mask)
        return await self._post(
            "/images/edits", ImagesResponse, form={"prompt": prompt, **params}, files=files, options=options
        )

    async def create_variation(self, *, image: Any, **params: Any) -> ImagesResponse:
        params, options = split_options(params)
        return await self._post(
            "/images/variations", ImagesResponse, form=params, files=_image_files(image), options=options
        )
