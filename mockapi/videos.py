"""Video generation jobs (``/videos``, Sora): a lazy lifecycle on the shared clock, steered by tests.

A video is ``queued``, then ``in_progress`` with ``progress`` rising from 0 to 100 over the phase, then
``completed`` (its content downloadable until ``expires_at``) or ``failed`` with an ``error``. Rules make the
next matching videos fail (``fail_next``), stop in a phase or take given phase times, as for batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from mockapi import ids
from mockapi.lifecycle import LifecycleService, Rule, Tracked
from mockapi.state import Namespace
from mockapi.timeline import Timeline

VIDEOS = "videos"
PHASES = ("queued", "in_progress")
TERMINAL = frozenset({"completed", "failed"})
# Our choice (contracts/README.md): content stays downloadable for a day after completion.
CONTENT_TTL = 24 * 3600


@dataclass(kw_only=True)
class VideoRule(Rule):
    """What the next matching video(s) do; ``fail`` is the video's ``error`` ({code, message})."""

    MATCH_KEYS: ClassVar[tuple[str, ...]] = ("model", "prompt_contains")

    model: str | None = None
    prompt_contains: str | None = None

    def matches(self, model: str, prompt: str) -> bool:
        if self.model is not None and self.model != model:
            return False
        return self.prompt_contains is None or self.prompt_contains in prompt


@dataclass
class Video(Tracked):
    obj: dict[str, Any]
    owner: str
    timeline: Timeline
    fail: dict[str, str] | None = None


class VideoService(LifecycleService[Video, VideoRule]):
    """``fake.services["videos"]``: the video engine plus its Python control API."""

    PHASES = PHASES
    TERMINAL = TERMINAL
    EVENTS = {"completed": "video.completed", "failed": "video.failed"}  # the SDK's event types
    STEPS = {"queued": 1, "in_progress": 4}
    CONFIG = "videos"
    THING = "video"
    COLLECTION = VIDEOS
    ACTIVE = "videos.active"
    INDEX = "videos.index"
    RULES = "videos.rules"
    RULE = VideoRule

    def add_rule(  # type: ignore[override]
        self,
        *,
        model: str | None = None,
        prompt_contains: str | None = None,
        fail: dict[str, str] | None = None,
        durations: dict[str, float] | None = None,
        hold: str | list[str] | None = None,
        times: int | None = 1,
    ) -> VideoRule:
        """Steer the next ``times`` videos matching model / prompt text (``times=None``: all of them)."""
        steering = self._steering(hold, durations)
        error = None if fail is None else {"code": str(fail.get("code") or "internal_error"),
                                           "message": str(fail.get("message") or "Video generation failed.")}
        return self._add_rule(VideoRule(model=model, prompt_contains=prompt_contains, fail=error, times=times,
                                        **steering))  # fmt: skip

    def fail_next(self, code: str = "moderation_blocked",
                  message: str = "Your request was blocked by our moderation system.", *, times: int | None = 1,
                  **match: Any) -> VideoRule:  # fmt: skip
        """The next matching video fails at the end of in_progress with this ``error``."""
        return self.add_rule(fail={"code": code, "message": message}, times=times, **match)

    def create(self, ns: Namespace, owner: str, *, model: str, prompt: str, size: str, seconds: str,
               remixed_from: str | None = None) -> Video:  # fmt: skip
        now = self.fake.clock.now()
        durations, holds, fail = self._apply_rules(lambda rule: rule.matches(model, prompt))
        obj: dict[str, Any] = {
            "id": ids.new_id("video_"), "object": "video", "model": model, "status": "queued", "progress": 0,
            "created_at": int(now), "completed_at": None, "expires_at": None, "prompt": prompt, "size": size,
            "seconds": seconds, "remixed_from_video_id": remixed_from, "error": None,
        }
        found = Video(obj, owner, Timeline.start("queued", durations, now, holds), fail)
        self._track(ns, found)
        return found

    def _end_phase(self, found: Video, at: float) -> None:
        if found.timeline.phase == "queued":
            found.obj["status"] = "in_progress"
            found.timeline.enter("in_progress", at)
            return
        if found.fail is not None:
            found.obj.update(status="failed", error=dict(found.fail))
        else:
            found.obj.update(status="completed", progress=100, completed_at=int(at),
                             expires_at=int(at) + CONTENT_TTL)  # fmt: skip
        self._retire(found)

    def _progress(self, found: Video, upto: float, finished: bool) -> None:
        if found.timeline.phase == "in_progress" and found.obj["status"] == "in_progress":
            done = 100 if finished else int(found.timeline.progress(upto) * 100)
            found.obj["progress"] = min(99, done)  # 100 only once completed
