"""What only a fake can do, through its control plane: scripted replies, injected faults the clients retry,
runs held in a state and cancelled, time frozen and advanced. Skipped against servers without one."""

from __future__ import annotations

from mockapi.conformance.scenarios._util import CHAT_MODEL, text_of, wait_until


def scenario_scripted_chat_reply(api, control, token) -> None:
    script = control.script({"text": f"Scripted answer {token}."}, contains=token, surface="chat", repeat=True)
    try:
        reply = api.chat.completions.create(model=CHAT_MODEL, messages=[{"role": "user", "content": f"Hi {token}"}])
        assert reply.choices[0].message.content == f"Scripted answer {token}."
        chunks = api.chat_stream(model=CHAT_MODEL, messages=[{"role": "user", "content": f"Again {token}"}])
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == f"Scripted answer {token}."
    finally:
        control.remove_script(script)


def scenario_rate_limit_fault_is_retried(api, control, token) -> None:
    rule = control.add_fault("rate_limit", operation="POST /embeddings", times=1, retry_after_ms=10)
    try:
        result = api.embeddings.create(model="text-embedding-3-small", input=f"retry {token}",
                                       encoding_format="float")
        assert len(result.data[0].embedding) == 1536
        assert control.fault(rule["id"])["fired"] == 1
        statuses = [e["status"] for e in control.journal(path="/v1/embeddings", method="POST")[-2:]]
        assert statuses == [429, 200]
    finally:
        control.remove_fault(rule["id"])


def scenario_server_error_is_retried(api, control) -> None:
    rule = control.add_fault("server_error", operation="GET /models/{model}", times=1)
    try:
        assert api.models.retrieve(CHAT_MODEL).id == CHAT_MODEL
        assert control.fault(rule["id"])["fired"] == 1
        statuses = [e["status"] for e in control.journal(path=f"/v1/models/{CHAT_MODEL}", method="GET")[-2:]]
        assert statuses == [500, 200]
    finally:
        control.remove_fault(rule["id"])


def scenario_directive_header_fails_one_request(api, control) -> None:
    """``x-mockapi-fault`` (honoured only while the control plane is on): a 404 with a chosen message."""
    with api.raises(404) as err:
        api.models.list(extra_headers={"x-mockapi-fault": 'error; status=404; message="Gone for now."'})
    assert err.message.endswith("Gone for now.")


def scenario_run_held_then_cancelled(api, control, target, token) -> None:
    assistant = api.beta.assistants.create(model=CHAT_MODEL, name=f"hold {token}")
    thread = api.beta.threads.create(messages=[{"role": "user", "content": "Take your time."}])
    control.hold_new_runs("in_progress")
    try:
        run = api.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    finally:
        control.release_new_runs()  # the run keeps its own hold
    run = wait_until(lambda: api.beta.threads.runs.retrieve(run.id, thread_id=thread.id),
                     lambda r: r.status == "in_progress", target.patience, "the run to start")
    with api.raises(400):  # the thread is locked while the run is active
        api.beta.threads.messages.create(thread.id, role="user", content="Are you there?")
    cancelled = api.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert cancelled.status in ("cancelling", "cancelled")
    control.release_run(run.id)
    final = wait_until(lambda: api.beta.threads.runs.retrieve(run.id, thread_id=thread.id),
                       lambda r: r.status == "cancelled", target.patience, "the run to cancel")
    assert final.cancelled_at is not None
    api.beta.threads.delete(thread.id)
    api.beta.assistants.delete(assistant.id)


def scenario_frozen_clock_holds_a_run_until_advanced(api, control, token) -> None:
    assistant = api.beta.assistants.create(model=CHAT_MODEL, name=f"clock {token}")
    thread = api.beta.threads.create(messages=[{"role": "user", "content": f"Clock {token}"}])
    control.set_clock("manual")
    try:
        run = api.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
        assert api.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "queued"
        control.advance(60)
        run = api.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
        assert run.status == "completed"
        reply = api.beta.threads.messages.list(thread.id, limit=1).data[0]
        assert reply.role == "assistant" and token in text_of(reply)
    finally:
        control.set_clock("real")
    api.beta.threads.delete(thread.id)
    api.beta.assistants.delete(assistant.id)
