"""The Administration API (``/organization/...`` and ``/projects/{project_id}/...``), one module per family like
the SDK's ``admin.organization``.

Every route answers admin keys only (``mockapi.admin.org.require_admin``, with the scope the real 403 names).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from mockapi import errors
from mockapi.admin import meter, policy
from mockapi.admin.org import require_admin
from mockapi.context import RequestContext

if TYPE_CHECKING:
    from mockapi.fake import Fake

FAMILIES = ["usage", "audit_logs", "projects", "members", "certificates", "roles", "role_assignments", "groups",
            "spend_alerts", "spend_limits", "policies", "external_keys",
            "external_storage", "health", "workload_identity"]

Handler = Callable[[RequestContext], Any]


def admin_only(scope: str, handler: Handler) -> Handler:
    """``handler`` behind the admin-key check (the real API refuses a project key before anything else)."""

    def guarded(ctx: RequestContext) -> Any:
        require_admin(ctx, scope)
        return handler(ctx)

    guarded.__name__ = guarded.__qualname__ = handler.__name__
    return guarded


def check_email(value: Any, param: str) -> str:
    """An email address (invites, spend-alert and spend-limit recipients, health alert addresses); wording chosen."""
    if not isinstance(value, str):
        raise errors.wrong_type(param, value, str)
    if "@" not in value:
        raise errors.invalid_request(f"Invalid '{param}': '{value}' is not an email address.", param=param)
    return value


def admin_routes(fake: Fake, scope: str, prefix: str = "/organization") -> Callable[[str, str, Handler], None]:
    """``add(method, path, handler)`` for one family: ``prefix + path`` routed behind the admin-key check."""

    def add(method: str, path: str, handler: Handler) -> None:
        fake.router.add(method, prefix + path, admin_only(scope, handler))

    return add


def install(fake: Fake) -> None:
    meter.install(fake)
    policy.install(fake)
    for name in FAMILIES:
        import_module(f"mockapi.resources.admin.{name}").install(fake)
