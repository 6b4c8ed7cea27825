"""A lazy phase clock for long-running objects (fine-tuning jobs, batches).

An object is in one phase at a time; each phase lasts a number of seconds of
*active* time. Time stops counting while the object is frozen: paused by the
user, or held in a phase by a test control. Nothing runs in the background: the
owner calls ``due()`` when the object is read and performs every transition
whose time has come, at the exact moment it was due, so a manual clock freezes
everything and a late read replays the transitions with the right timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Timeline:
    phase: str
    durations: dict[str, float]
    # Active seconds spent in the phase before ``anchor``; ``anchor`` is the clock time
    # from which the phase runs, or None while frozen.
    elapsed: float = 0.0
    anchor: float | None = None
    holds: set[str] = field(default_factory=set)
    paused: bool = False

    @classmethod
    def start(cls, phase: str, durations: dict[str, float], at: float, holds: set[str] | None = None) -> Timeline:
        timeline = cls(phase, dict(durations), holds=set(holds or ()))
        timeline.enter(phase, at)
        return timeline

    def duration(self, phase: str | None = None) -> float:
        return max(0.0, float(self.durations.get(phase or self.phase, 0.0)))

    def active(self, now: float) -> float:
        """Active seconds spent in the current phase at ``now``."""
        running = now - self.anchor if self.anchor is not None else 0.0
        return self.elapsed + max(0.0, running)

    def progress(self, now: float) -> float:
        """How far through the current phase, 0..1."""
        total = self.duration()
        return 1.0 if total <= 0 else min(1.0, self.active(now) / total)

    def time_at(self, active: float) -> float | None:
        """The clock time at which the phase reaches ``active`` seconds (None while frozen)."""
        if self.anchor is None:
            return None
        return self.anchor + max(0.0, active - self.elapsed)

    def due(self) -> float | None:
        """When the current phase ends, or None while frozen."""
        return self.time_at(self.duration())

    def enter(self, phase: str, at: float) -> None:
        self.phase = phase
        self.elapsed = 0.0
        self.anchor = None if self.frozen_in(phase) else at

    def frozen_in(self, phase: str) -> bool:
        return self.paused or phase in self.holds

    def freeze(self, now: float) -> None:
        if self.anchor is not None:
            self.elapsed = self.active(now)
            self.anchor = None

    def thaw(self, now: float) -> None:
        if self.anchor is None and not self.frozen_in(self.phase):
            self.anchor = now

    def hold(self, phase: str, now: float) -> None:
        self.holds.add(phase)
        if self.phase == phase:
            self.freeze(now)

    def release(self, now: float, phase: str | None = None) -> None:
        if phase is None:
            self.holds.clear()
        else:
            self.holds.discard(phase)
        self.thaw(now)

    def pause(self, now: float) -> None:
        self.freeze(now)
        self.paused = True

    def resume(self, now: float) -> None:
        self.paused = False
        self.thaw(now)

    def set_duration(self, phase: str, seconds: float) -> None:
        self.durations[phase] = max(0.0, float(seconds))
