"""Conformance scenarios: ``scenario_*`` functions, collected by the runner's own pytest settings.

Each takes ``api`` (run once per client) or ``http`` (raw requests, run once), and ``control`` only when it
needs the fake's control plane (then it is skipped against servers without one, the real API included).
Scenarios share the target's state with whatever else lives there: they create what they use, find it by id,
and never assume a list is otherwise empty.
"""
