"""What batches and fine-tuning jobs share: a lazy lifecycle on the shared clock, steered by tests.

A ``LifecycleService`` keeps long-running objects (each with a ``Timeline``)
in its owner's namespace and replays whatever became due whenever one is read,
and before any request of an owner with unfinished objects (a dispatcher
interceptor), so a finished object shows its side effects (files, models)
without anyone polling it first. Nothing runs in the background.

Tests steer it with rules (the next matching objects fail, take given phase
times or stop in phases) and per-object controls (hold, release, retime,
complete), from Python or over HTTP (``install_controls``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from mockapi.common import lookup
from mockapi.state import Namespace
from mockapi.timeline import Timeline
from mockapi.webhooks.service import WebhookService, service_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from mockapi.context import RequestContext
    from mockapi.control import ControlPlane
    from mockapi.fake import Fake
    from mockapi.routing import Route


class Tracked:
    """A long-running object: its API form ``obj``, its ``owner`` and the ``timeline`` of its phases."""

    obj: dict[str, Any]
    owner: str
    timeline: Timeline

    @property
    def id(self) -> str:
        return self.obj["id"]

    @property
    def status(self) -> str:
        return self.obj["status"]

    def render(self) -> dict[str, Any]:
        return dict(self.obj)


@dataclass(kw_only=True)
class Rule:
    """What the next matching object(s) do: fail, take given phase times, or stop in phases.

    Subclasses add the fields named in ``MATCH_KEYS`` and a ``matches`` method.
    """

    MATCH_KEYS: ClassVar[tuple[str, ...]] = ("metadata",)

    metadata: dict[str, str] | None = None
    fail: Any = None
    durations: dict[str, float] = field(default_factory=dict)
    hold: set[str] = field(default_factory=set)
    times: int | None = 1  # None: every matching object

    def metadata_matches(self, metadata: dict[str, str] | None) -> bool:
        return not self.metadata or all((metadata or {}).get(k) == v for k, v in self.metadata.items())

    def describe(self) -> dict[str, Any]:
        return {"match": {k: getattr(self, k) for k in self.MATCH_KEYS}, "fail": self.fail,
                "durations": self.durations, "hold": sorted(self.hold), "times": self.times}  # fmt: skip


T = TypeVar("T", bound=Tracked)
R = TypeVar("R", bound=Rule)


def check_phase(phase: str, phases: tuple[str, ...]) -> None:
    if phase not in phases:
        raise ValueError(f"unknown phase {phase!r}; expected one of {', '.join(phases)}")


class LifecycleService(Generic[T, R]):
    """The engine and Python control API of one kind of long-running object.

    A subclass names its phases and storage keys and implements the transitions:
    ``_end_phase`` (the current phase's time is up) and optionally ``_progress``
    (work spread over a phase), ``_deadline``/``_deadline_passed`` (an end that
    overrides the phases, like a batch's completion window).
    """

    PHASES: ClassVar[tuple[str, ...]]  # phases with a duration (the ones rules and controls may name)
    TERMINAL: ClassVar[frozenset[str]]
    STEPS: ClassVar[dict[str, float]]  # default phase times, in multiples of config.step_delay
    CONFIG: ClassVar[str]  # config.extra section whose "durations" override the defaults
    THING: ClassVar[str]  # the object's name in 404 messages
    COLLECTION: ClassVar[str]  # namespace collection of every object
    ACTIVE: ClassVar[str]  # namespace slot: {id: object} not yet finished
    INDEX: ClassVar[str]  # state.shared: {id: object} of every owner, for the control plane
    RULES: ClassVar[str]  # state.shared: [Rule]
    RULE: ClassVar[type[Rule]]
    EVENTS: ClassVar[dict[str, str]] = {}  # final status -> the webhook event it sends

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self._settling = False
        catch_up = fake.services.get(CatchUp.NAME)
        if catch_up is None:
            catch_up = fake.services[CatchUp.NAME] = CatchUp(fake)
            fake.dispatcher.interceptors.append(catch_up)
            self.webhooks.settlers.append(catch_up.settle_everyone)
        catch_up.services.append(self)
        self._catch_up: CatchUp = catch_up

    @property
    def webhooks(self) -> WebhookService:
        return service_of(self.fake)

    def default_durations(self) -> dict[str, float]:
        """Phase times in seconds: a few ``step_delay``s each, so a polling loop finishes fast."""
        step = self.fake.config.step_delay
        durations = {phase: steps * step for phase, steps in self.STEPS.items()}
        configured = (self.fake.config.extra.get(self.CONFIG) or {}).get("durations") or {}
        durations.update({k: float(v) for k, v in configured.items() if k in self.PHASES})
        return durations

    @property
    def rules(self) -> list[R]:
        return self.fake.state.shared.setdefault(self.RULES, [])

    @property
    def index(self) -> dict[str, T]:
        return self.fake.state.shared.setdefault(self.INDEX, {})

    # -- Python control API -------------------------------------------------------

    def _steering(self, hold: str | list[str] | None, durations: dict[str, float] | None) -> dict[str, Any]:
        """A rule's ``hold`` and ``durations`` fields, their phases checked."""
        holds = {hold} if isinstance(hold, str) else set(hold or ())
        for phase in [*holds, *(durations or {})]:
            check_phase(phase, self.PHASES)
        return {"hold": holds, "durations": {k: float(v) for k, v in (durations or {}).items()}}

    def _add_rule(self, rule: R) -> R:
        with self.fake.state.lock:
            self.rules.append(rule)
        return rule

    def add_rule(self, **kwargs: Any) -> R:
        """Steer the next ``times`` matching objects; a subclass names its match fields and failure."""
        raise NotImplementedError

    def hold_next(self, phase: str, *, times: int | None = 1, **match: Any) -> R:
        """The next matching object stops in ``phase`` until ``release``."""
        return self.add_rule(hold=phase, times=times, **match)

    def set_timing(self, durations: dict[str, float], *, times: int | None = None, **match: Any) -> R:
        """Seconds per phase for matching objects (every one unless ``times`` or a match is given)."""
        return self.add_rule(durations=durations, times=times, **match)

    def clear_rules(self) -> None:
        with self.fake.state.lock:
            self.rules.clear()

    def owned(self, ns: Namespace, object_id: str) -> T:
        """One of the caller's objects, brought up to date (the API's 404 for any other id)."""
        found: T = lookup(ns.collection(self.COLLECTION), object_id, self.THING)  # wording unverified (core.md §12)
        self.settle(found)
        return found

    def rendered(self, found: T) -> dict[str, Any]:
        """An object's API form, brought up to date."""
        self.settle(found)
        return found.render()

    def get(self, object_id: str) -> T:
        """An object of any owner, brought up to date."""
        with self.fake.state.lock:
            found = lookup(self.index, object_id, self.THING)
            self.settle(found)
            return found

    def hold(self, object_id: str, phase: str) -> dict[str, Any]:
        """Stop an object in ``phase`` (now if it is there, else when it gets there)."""
        check_phase(phase, self.PHASES)
        with self.fake.state.lock:
            found = self.get(object_id)
            found.timeline.hold(phase, self.fake.clock.now())
            return found.render()

    def release(self, object_id: str | None = None) -> list[str]:
        """Let held objects (one, or all) move on; returns the ids released."""
        with self.fake.state.lock:
            now = self.fake.clock.now()
            released = []
            for found in [self.get(object_id)] if object_id else list(self.index.values()):
                self.settle(found, now)
                if found.timeline.holds:
                    found.timeline.release(now)
                    released.append(found.id)
            return released

    def set_durations(self, object_id: str, durations: dict[str, float]) -> dict[str, Any]:
        """Change the phase times of an existing object (e.g. 0 to finish the current phase now)."""
        with self.fake.state.lock:
            found = self.get(object_id)
            for phase, seconds in durations.items():
                check_phase(phase, self.PHASES)
                found.timeline.set_duration(phase, seconds)
            self.settle(found)
            return found.render()

    def complete(self, object_id: str) -> dict[str, Any]:
        """Run an object to its end now (holds released, remaining phases take no time)."""
        with self.fake.state.lock:
            found = self.get(object_id)
            now = self.fake.clock.now()
            for phase in self.PHASES:
                found.timeline.set_duration(phase, 0)
            found.timeline.release(now)
            self.settle(found, now)
            return found.render()

    # -- lifecycle ----------------------------------------------------------------

    def _apply_rules(self, fits: Callable[[R], bool]) -> tuple[dict[str, float], set[str], Any]:
        """Durations, holds and failure for a new object, using up one of each matching rule's ``times``."""
        durations = self.default_durations()
        holds: set[str] = set()
        fail = None
        for rule in list(self.rules):
            if not fits(rule):
                continue
            durations.update(rule.durations)
            holds |= rule.hold
            fail = rule.fail or fail
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
        return durations, holds, fail

    def _track(self, ns: Namespace, found: T, **index: Any) -> None:
        """A new object: listed (with the collection's ``index`` keys), active, steerable."""
        ns.collection(self.COLLECTION).add(found.id, found, **index)
        ns.slots.setdefault(self.ACTIVE, {})[found.id] = found
        self.index[found.id] = found
        self._catch_up.active += 1

    def settle(self, found: T, now: float | None = None) -> None:
        """Perform every transition (and the work within a phase) that became due up to ``now``."""
        now = self.fake.clock.now() if now is None else now
        while found.status not in self.TERMINAL:
            due = found.timeline.due()
            deadline = self._deadline(found)
            candidates = [t for t in (due, deadline) if t is not None]
            ends_at = min(candidates) if candidates else None
            if ends_at is None or ends_at > now:
                self._progress(found, now, False)
                break
            self._progress(found, ends_at, ends_at == due)
            if deadline is not None and ends_at == deadline and (due is None or deadline < due):
                self._deadline_passed(found, deadline)
            else:
                self._end_phase(found, ends_at)

    def settle_owner(self, ns: Namespace, now: float | None = None) -> None:
        if self._settling:
            return  # work done inside a transition may go through the dispatcher, which calls back here
        self._settling = True
        try:
            now = self.fake.clock.now() if now is None else now
            for found in list((ns.slots.get(self.ACTIVE) or {}).values()):
                self.settle(found, now)
        finally:
            self._settling = False

    def forget(self, ns: Namespace, found: T) -> None:
        """Remove an object for good (a DELETE): no longer listed, settled or steerable."""
        ns.collection(self.COLLECTION).remove(found.id)
        self._retire(found)
        self.index.pop(found.id, None)

    def _retire(self, found: T) -> None:
        """No longer active: ended (its webhook event goes out) or deleted."""
        active = self.fake.state.namespace(found.owner).slots.get(self.ACTIVE) or {}
        if active.pop(found.id, None) is None:
            return
        self._catch_up.active -= 1
        if found.status in self.EVENTS:
            self.webhooks.emit(found.owner, self.EVENTS[found.status], {"id": found.id})

    # -- transitions (the subclass's) ---------------------------------------------

    def _end_phase(self, found: T, at: float) -> None:
        """The current phase's time is up at ``at``."""
        raise NotImplementedError

    def _progress(self, found: T, upto: float, finished: bool) -> None:
        """Do the work of the current phase due by ``upto`` (all of it when ``finished``)."""

    def _deadline(self, found: T) -> float | None:
        """A time at which the object ends whatever its phase (None: none)."""
        return None

    def _deadline_passed(self, found: T, at: float) -> None:
        raise NotImplementedError



class CatchUp:
    """The interceptor that, before any request of an owner, brings that owner's unfinished objects of every
    lifecycle service up to date. One interceptor for all services: a request costs one call, not one each."""

    NAME = "lifecycles"

    def __init__(self, fake: Fake) -> None:
        self.fake = fake
        self.services: list[LifecycleService[Any, Any]] = []
        # Unfinished objects of every owner and service: while there are none (most requests), a request pays
        # one attribute read here.
        self.active = 0
        fake.state.on_reset(self._reset)

    def _reset(self) -> None:
        self.active = 0

    def settle_everyone(self, now: float) -> None:
        """Every owner's unfinished objects, brought up to ``now`` (the webhook thread's tick)."""
        if not self.active:
            return
        for ns in self.fake.state.namespaces():
            self._settle(ns, now)

    def __call__(self, ctx: RequestContext, route: Route) -> None:
        if self.active:
            self._settle(ctx.ns, None)

    def _settle(self, ns: Namespace, now: float | None) -> None:
        """One owner's unfinished objects of every service (the lock taken only where there are some)."""
        slots = ns.slots
        for service in self.services:
            if slots.get(service.ACTIVE):
                with self.fake.state.lock:
                    service.settle_owner(ns, now)


def install_controls(control: ControlPlane, service: LifecycleService[Any, Any], root: str, items: str,
                     key: str) -> None:  # fmt: skip
    """The HTTP controls every lifecycle has: ``{root}/rules`` (POST, GET, DELETE), ``{root}/release`` and,
    per object, ``{items}/{key}`` (GET) with ``/hold``, ``/release``, ``/timing`` and ``/complete``."""

    def add_rule(f: Fake, body: dict[str, Any], query: dict[str, str]) -> Any:
        match = body.get("match") or {}
        rule = service.add_rule(
            **{k: match.get(k) for k in service.RULE.MATCH_KEYS}, fail=body.get("fail"),
            durations=body.get("durations"), hold=body.get("hold"), times=body.get("times", 1),
        )  # fmt: skip
        return rule.describe()

    item = f"{items}/{{{key}}}"
    control.add("POST", f"{root}/rules", add_rule)
    control.add("GET", f"{root}/rules", lambda f, b, q: {"rules": [r.describe() for r in service.rules]})
    control.add("DELETE", f"{root}/rules", lambda f, b, q: service.clear_rules() or {"cleared": True})
    control.add("GET", item, lambda f, b, q: service.get(q[key]).render())
    control.add("POST", f"{item}/hold", lambda f, b, q: service.hold(q[key], b["phase"]))
    control.add("POST", f"{item}/release", lambda f, b, q: {"released": service.release(q[key])})
    control.add("POST", f"{root}/release", lambda f, b, q: {"released": service.release()})
    control.add("POST", f"{item}/timing", lambda f, b, q: service.set_durations(q[key], b["durations"]))
    control.add("POST", f"{item}/complete", lambda f, b, q: service.complete(q[key]))
