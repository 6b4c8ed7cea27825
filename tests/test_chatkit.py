"""ChatKit with the official SDK: sessions (defaults, overrides, expiry on the fake's clock, cancel), threads and
items seeded through the control plane (Python and HTTP), user filter, cursors, errors and per-key isolation."""

from __future__ import annotations

import re

import openai
import pytest

manual = pytest.mark.mockapi(manual_clock=True)
WORKFLOW = {"id": "wf_support"}


@manual
def test_session_has_the_documented_defaults(mockapi, openai_client) -> None:
    session = openai_client.beta.chatkit.sessions.create(user="user_1", workflow=WORKFLOW)
    assert session.expires_at == int(mockapi.clock.now()) + 600  # "Defaults to 10 minutes."
    assert re.fullmatch(r"cksess_[0-9a-f]{48}", session.id) and session.object == "chatkit.session"
    assert session.status == "active" and session.client_secret.startswith("ek_")
    assert session.max_requests_per_1_minute == session.rate_limits.max_requests_per_1_minute == 10
    assert session.chatkit_configuration.model_dump() == {
        "automatic_thread_titling": {"enabled": True},
        "file_upload": {"enabled": False, "max_file_size": 512, "max_files": 10},
        "history": {"enabled": True, "recent_threads": None},
    }
    assert session.workflow.model_dump() == {"id": "wf_support", "version": None, "state_variables": None,
                                             "tracing": {"enabled": True}}
    assert session.user == "user_1"


@manual
def test_session_overrides_expiry_and_cancel(mockapi, openai_client) -> None:
    start = int(mockapi.clock.now())
    session = openai_client.beta.chatkit.sessions.create(
        user="user_1",
        workflow={"id": "wf_support", "version": "3", "state_variables": {"plan": "pro", "seats": 4, "trial": False},
                  "tracing": {"enabled": False}},
        expires_after={"anchor": "created_at", "seconds": 120},
        rate_limits={"max_requests_per_1_minute": 30},
        chatkit_configuration={"file_upload": {"enabled": True, "max_files": 3}, "history": {"recent_threads": 5},
                               "automatic_thread_titling": {"enabled": False}},
    )
    assert session.expires_at == start + 120 and session.max_requests_per_1_minute == 30
    assert session.workflow.state_variables == {"plan": "pro", "seats": 4, "trial": False}
    assert (session.workflow.version, session.workflow.tracing.enabled) == ("3", False)
    config = session.chatkit_configuration
    upload = config.file_upload
    assert (upload.enabled, upload.max_files, upload.max_file_size) == (True, 3, 512)
    assert (config.history.recent_threads, config.automatic_thread_titling.enabled) == (5, False)

    cancelled = openai_client.beta.chatkit.sessions.cancel(session.id)
    assert (cancelled.id, cancelled.status, cancelled.client_secret) == (session.id, "cancelled", "")
    assert openai_client.beta.chatkit.sessions.cancel(session.id).status == "cancelled"  # again: as it is

    short = openai_client.beta.chatkit.sessions.create(user="u", workflow=WORKFLOW,
                                                       expires_after={"anchor": "created_at", "seconds": 60})
    mockapi.advance(60)
    expired = openai_client.beta.chatkit.sessions.cancel(short.id)
    assert expired.status == "expired" and expired.client_secret == short.client_secret


def test_session_validation(mockapi, openai_client) -> None:
    cases = [
        ({"user": "", "workflow": WORKFLOW}, "user", "empty_string"),
        ({"user": "u", "workflow": {}}, "workflow.id", "missing_required_parameter"),
        ({"user": "u", "workflow": WORKFLOW, "expires_after": {"anchor": "created_at", "seconds": 601}},
         "expires_after.seconds", "integer_above_max_value"),
        ({"user": "u", "workflow": WORKFLOW, "rate_limits": {"max_requests_per_1_minute": 0}},
         "rate_limits.max_requests_per_1_minute", "integer_below_min_value"),
        ({"user": "u", "workflow": WORKFLOW, "chatkit_configuration": {"file_upload": {"max_file_size": 513}}},
         "chatkit_configuration.file_upload.max_file_size", "integer_above_max_value"),
    ]
    for body, param, code in cases:
        with pytest.raises(openai.BadRequestError) as bad:
            openai_client.beta.chatkit.sessions.create(**body)
        assert (bad.value.param, bad.value.code) == (param, code), bad.value.body
    with pytest.raises(openai.BadRequestError) as missing:
        openai_client.post("/chatkit/sessions", body={"workflow": WORKFLOW}, cast_to=object)
    assert missing.value.param == "user"
    with pytest.raises(openai.NotFoundError) as unknown:
        openai_client.beta.chatkit.sessions.cancel("cksess_missing")
    assert unknown.value.body == {"message": "Chatkit Session with id 'cksess_missing' not found.",
                                  "type": "invalid_request_error", "param": None, "code": None}
    assert not mockapi.internal_errors


def test_seeded_threads_list_retrieve_items_delete(mockapi, openai_client) -> None:
    chatkit = mockapi.services["chatkit"]
    first = chatkit.add_thread("user_1", title="Onboarding", items=[
        {"type": "user_message", "text": "I need help with onboarding."},
        {"type": "assistant_message", "text": "Which workflow version?"},
        {"type": "widget", "widget": {"type": "Card", "children": []}},
        {"type": "client_tool_call", "name": "lookup", "arguments": {"id": 7}, "output": "{\"ok\": true}"},
        {"type": "task", "text": "Searching"},
        {"type": "task_group", "tasks": [{"type": "thought", "heading": "Plan", "summary": None}]},
    ])
    second = chatkit.add_thread("user_2", status="locked", reason="resolved")
    third = chatkit.add_thread("user_1")
    assert re.fullmatch(r"cthr_[0-9a-f]{48}", first["id"])

    thread = openai_client.beta.chatkit.threads.retrieve(first["id"])
    assert (thread.title, thread.user, thread.status.type, thread.object) == ("Onboarding", "user_1", "active",
                                                                               "chatkit.thread")
    locked = openai_client.beta.chatkit.threads.retrieve(second["id"])
    assert (locked.status.type, locked.status.reason, locked.title) == ("locked", "resolved", None)

    ids = [t.id for t in openai_client.beta.chatkit.threads.list()]
    assert ids == [third["id"], second["id"], first["id"]]  # newest first
    assert [t.id for t in openai_client.beta.chatkit.threads.list(user="user_1", order="asc")] == [first["id"],
                                                                                                    third["id"]]
    page = openai_client.beta.chatkit.threads.list(limit=1)
    assert [t.id for t in page.data] == [third["id"]] and page.has_more
    assert [t.id for t in openai_client.beta.chatkit.threads.list(limit=1)] == ids

    items = list(openai_client.beta.chatkit.threads.list_items(first["id"], order="asc"))
    assert [i.type for i in items] == ["chatkit.user_message", "chatkit.assistant_message", "chatkit.widget",
                                       "chatkit.client_tool_call", "chatkit.task", "chatkit.task_group"]
    assert all(re.fullmatch(r"cti_[0-9a-f]{48}", i.id) and i.thread_id == first["id"] for i in items)
    assert items[0].content[0].text == "I need help with onboarding." and items[0].attachments == []
    assert items[1].content[0].annotations == [] and items[2].widget.startswith("{")
    assert (items[3].arguments, items[3].status) == ('{"id": 7}', "completed")
    newest = openai_client.beta.chatkit.threads.list_items(first["id"], limit=2)
    assert [i.id for i in newest.data] == [items[5].id, items[4].id] and newest.has_more
    assert newest.first_id == items[5].id and newest.last_id == items[4].id

    gone = openai_client.beta.chatkit.threads.delete(first["id"])
    assert (gone.id, gone.object, gone.deleted) == (first["id"], "chatkit.thread.deleted", True)
    for call in (openai_client.beta.chatkit.threads.retrieve, openai_client.beta.chatkit.threads.list_items):
        with pytest.raises(openai.NotFoundError) as missing:
            call(first["id"])
        assert missing.value.body["message"] == f"Chatkit Thread with id '{first['id']}' not found."
    assert not mockapi.violations


def test_threads_are_per_key_and_seeded_over_http(mockapi, openai_client, http) -> None:
    session = openai_client.beta.chatkit.sessions.create(user="user_9", workflow=WORKFLOW)
    response = http.post("/__mockapi__/chatkit/threads", json={
        "session_id": session.id, "title": "From the UI", "items": [{"type": "user_message", "text": "Hi"}]})
    assert response.status_code == 200, response.text
    seeded = response.json()
    assert (seeded["user"], seeded["object"]) == ("user_9", "chatkit.thread")
    more = http.post(f"/__mockapi__/chatkit/threads/{seeded['id']}/items",
                     json={"items": [{"type": "assistant_message", "text": "Hello!"}]})
    assert more.status_code == 200 and more.json()["data"][0]["type"] == "chatkit.assistant_message"
    texts = [i.content[0].text for i in openai_client.beta.chatkit.threads.list_items(seeded["id"], order="asc")]
    assert texts == ["Hi", "Hello!"]

    other = mockapi.openai_client(api_key="sk-other-key")
    with pytest.raises(openai.NotFoundError):
        other.beta.chatkit.threads.retrieve(seeded["id"])
    with pytest.raises(openai.NotFoundError):
        other.beta.chatkit.sessions.cancel(session.id)
    assert seeded["id"] not in {t.id for t in other.beta.chatkit.threads.list()}
    theirs = mockapi.services["chatkit"].add_thread("user_9", api_key="sk-other-key")
    assert [t.id for t in other.beta.chatkit.threads.list()] == [theirs["id"]]

    bad = http.post("/__mockapi__/chatkit/threads", json={"user": "u", "items": [{"type": "task", "task_type": "x"}]})
    assert bad.status_code == 400 and "items[0].task_type" in bad.json()["error"]["message"]
    assert http.post("/__mockapi__/chatkit/threads", json={"items": []}).status_code == 400
    assert http.post("/__mockapi__/chatkit/threads/cthr_none/items", json={"items": []}).status_code == 400


def test_thread_list_errors(openai_client) -> None:
    with pytest.raises(openai.BadRequestError) as limit:
        openai_client.beta.chatkit.threads.list(limit=101)
    assert limit.value.param == "limit"
    with pytest.raises(openai.BadRequestError) as order:
        openai_client.beta.chatkit.threads.list(order="sideways")  # type: ignore[arg-type]
    assert order.value.param == "order"
    with pytest.raises(openai.BadRequestError) as cursor:
        openai_client.beta.chatkit.threads.list(after="cthr_unknown")
    assert cursor.value.param == "after"
