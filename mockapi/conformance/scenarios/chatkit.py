"""ChatKit: a session minted and cancelled; a thread (seeded as the ChatKit UI would leave it) listed by user,
read with its items, and deleted."""

from __future__ import annotations

import pytest


@pytest.mark.sdk_only("the reference client has no ChatKit resource")
def scenario_chatkit_session(api, token) -> None:
    session = api.beta.chatkit.sessions.create(user=f"user-{token}", workflow={"id": f"wf_{token}"},
                                               rate_limits={"max_requests_per_1_minute": 20})
    assert session.id.startswith("cksess_") and (session.object, session.status) == ("chatkit.session", "active")
    assert session.client_secret and session.user == f"user-{token}" and session.workflow.id == f"wf_{token}"
    assert session.rate_limits.max_requests_per_1_minute == session.max_requests_per_1_minute == 20
    assert session.chatkit_configuration.history.enabled
    cancelled = api.beta.chatkit.sessions.cancel(session.id)
    assert (cancelled.id, cancelled.status) == (session.id, "cancelled")
    with api.raises(404):
        api.beta.chatkit.sessions.cancel(f"cksess_{token}")


@pytest.mark.sdk_only("the reference client has no ChatKit resource")
def scenario_chatkit_threads(api, control, target, token) -> None:
    user = f"user-{token}"
    thread = control.add_chatkit_thread(api_key=target.api_key, user=user, title=f"Thread {token}", items=[
        {"type": "user_message", "text": "Where is my order?"},
        {"type": "assistant_message", "text": "It ships tomorrow."},
    ])
    assert [t.id for t in api.beta.chatkit.threads.list(user=user)] == [thread["id"]]
    found = api.beta.chatkit.threads.retrieve(thread["id"])
    assert (found.title, found.user, found.status.type) == (f"Thread {token}", user, "active")
    items = api.beta.chatkit.threads.list_items(thread["id"], order="asc").data
    assert [i.type for i in items] == ["chatkit.user_message", "chatkit.assistant_message"]
    assert items[1].content[0].text == "It ships tomorrow."
    assert api.beta.chatkit.threads.delete(thread["id"]).deleted
    with api.raises(404):
        api.beta.chatkit.threads.retrieve(thread["id"])
