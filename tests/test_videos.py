"""Video generation (/videos, Sora) with the official SDK: the lifecycle on the shared clock, content, remix."""

from __future__ import annotations

import io
import warnings

import av
import openai
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:The Sora API:DeprecationWarning")


@pytest.mark.mockapi(manual_clock=True, step_delay=1.0)
def test_a_video_is_queued_renders_with_progress_and_downloads(mockapi, openai_client) -> None:
    video = openai_client.videos.create(prompt="A cat surfing at dawn", model="sora-2", seconds="8", size="1280x720")
    assert (video.status, video.progress, video.object) == ("queued", 0, "video")
    assert video.id.startswith("video_") and video.completed_at is None and video.expires_at is None
    with pytest.raises(openai.BadRequestError):
        openai_client.videos.download_content(video.id)  # not finished yet
    mockapi.advance(1.0 + 2.0)  # queued (1 step), then half of in_progress (4 steps)
    halfway = openai_client.videos.retrieve(video.id)
    assert halfway.status == "in_progress" and halfway.progress == 50
    mockapi.advance(2.0)
    done = openai_client.videos.retrieve(video.id)
    assert (done.status, done.progress) == ("completed", 100)
    assert done.completed_at == video.created_at + 5 and done.expires_at > done.completed_at
    movie = openai_client.videos.download_content(video.id)
    assert movie.response.headers["content-type"] == "video/mp4"
    with av.open(io.BytesIO(movie.content)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (1280, 720) and container.duration / 1e6 == pytest.approx(8)
    thumbnail = openai_client.videos.download_content(video.id, variant="thumbnail")
    assert thumbnail.response.headers["content-type"] == "image/webp"
    remix = openai_client.videos.remix(video.id, prompt="The same, with a dog")
    assert remix.remixed_from_video_id == video.id and (remix.size, remix.seconds) == ("1280x720", "8")
    assert [v.id for v in openai_client.videos.list()] == [remix.id, video.id]
    assert openai_client.videos.delete(video.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        openai_client.videos.retrieve(video.id)


def test_create_and_poll_and_a_steered_failure(mockapi, openai_client) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        video = openai_client.videos.create_and_poll(prompt="A lighthouse", poll_interval_ms=1)
    assert video.status == "completed" and video.model == "sora-2" and video.size == "720x1280"
    mockapi.services["videos"].fail_next(prompt_contains="forbidden")
    failed = openai_client.videos.create_and_poll(prompt="Something forbidden", poll_interval_ms=1)
    assert failed.status == "failed" and failed.error.code == "moderation_blocked"


def test_bad_requests(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.videos.create(prompt="wide", model="sora-2", size="1792x1024")  # a sora-2-pro size
    assert caught.value.body["param"] == "size" and caught.value.code == "invalid_value"
    assert openai_client.videos.create(prompt="wide", model="sora-2-pro", size="1792x1024").size == "1792x1024"
    with pytest.raises(openai.NotFoundError):
        openai_client.videos.create(prompt="x", model="sora-9")
    with pytest.raises(openai.BadRequestError):
        openai_client.videos.create(prompt="x", model="gpt-4o")  # not a video model
