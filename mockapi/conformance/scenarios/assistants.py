"""Assistants, threads and messages: create, read, modify, list, delete (Assistants API v2)."""

from __future__ import annotations

from mockapi.conformance.scenarios._util import CHAT_MODEL, text_of


def scenario_assistant_crud(api, token) -> None:
    assistants = api.beta.assistants
    created = assistants.create(model=CHAT_MODEL, name=f"conformance {token}", instructions="Be brief.",
                                tools=[{"type": "code_interpreter"}], metadata={"run": token})
    assert created.id.startswith("asst_") and created.object == "assistant"
    assert (created.name, created.model, created.metadata) == (f"conformance {token}", CHAT_MODEL, {"run": token})

    assert assistants.retrieve(created.id).instructions == "Be brief."
    updated = assistants.update(created.id, name=f"renamed {token}")
    assert updated.name == f"renamed {token}" and updated.instructions == "Be brief."
    listed = assistants.list(limit=100, order="desc")
    assert created.id in [a.id for a in listed.data]

    deleted = assistants.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    with api.raises(404):
        assistants.retrieve(created.id)


def scenario_thread_and_messages(api, token) -> None:
    threads = api.beta.threads
    thread = threads.create(messages=[{"role": "user", "content": f"First {token}"}], metadata={"run": token})
    assert thread.id.startswith("thread_") and thread.metadata == {"run": token}
    assert threads.retrieve(thread.id).id == thread.id
    assert threads.update(thread.id, metadata={"run": token, "n": "2"}).metadata == {"run": token, "n": "2"}

    second = threads.messages.create(thread.id, role="user", content=f"Second {token}")
    assert second.id.startswith("msg_") and second.thread_id == thread.id and second.role == "user"
    assert text_of(second) == f"Second {token}"
    listed = threads.messages.list(thread.id, order="asc")
    assert [text_of(m) for m in listed.data] == [f"First {token}", f"Second {token}"]
    newest = threads.messages.list(thread.id, limit=1)
    assert [m.id for m in newest.data] == [second.id] and newest.has_more

    assert text_of(threads.messages.retrieve(second.id, thread_id=thread.id)) == f"Second {token}"
    updated = threads.messages.update(second.id, thread_id=thread.id, metadata={"seen": "yes"})
    assert updated.metadata == {"seen": "yes"}
    deleted = threads.messages.delete(second.id, thread_id=thread.id)
    assert (deleted.id, deleted.deleted) == (second.id, True)
    assert len(threads.messages.list(thread.id).data) == 1

    assert threads.delete(thread.id).deleted is True
    with api.raises(404):
        threads.retrieve(thread.id)


def scenario_invalid_message_content_is_400(api) -> None:
    thread = api.beta.threads.create()
    with api.raises(400) as err:  # found by contract fuzzing: the fake used to store and echo it
        api.beta.threads.messages.create(thread.id, role="user",
                                         content=[{"type": "image_url", "image_url": {"url": ""}}])
    assert err.param == "content[0].image_url.url"
    with api.raises(400):
        api.beta.threads.messages.create(thread.id, role="tool", content="hi")
    api.beta.threads.delete(thread.id)


def scenario_not_found(api) -> None:
    with api.raises(404):
        api.beta.assistants.retrieve("asst_conformance000000000000")
    with api.raises(404):
        api.beta.threads.retrieve("thread_conformance0000000000")
    with api.raises(404):
        api.beta.threads.messages.list("thread_conformance0000000000")
