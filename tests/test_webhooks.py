"""Webhooks with the official SDK: endpoint management (client.webhooks), signed deliveries that
``client.webhooks.unwrap`` accepts, the events batches, fine-tuning jobs, eval runs, videos and background
responses send, retries on the fake's clock, secret rotation, test events, and the bad inputs' 400s."""

from __future__ import annotations

import gc
import io
import json
import typing
from pathlib import Path
from typing import Any

import openai
import pytest
from openai.types.webhooks import webhook_create_params

from mockapi.fake import Fake
from tests._webhook_receiver import Receiver

manual = pytest.mark.mockapi(manual_clock=True)
FIXTURES = Path(__file__).parent.parent / "fixtures"


def subscribe(client: Any, receiver: Receiver, *types: str) -> Any:
    return client.webhooks.create(url=receiver.url, name="tests", event_types=list(types))


# -- endpoints -------------------------------------------------------------------------------------


@manual
def test_endpoint_create_retrieve_list_update_delete(mockapi, openai_client) -> None:
    created = openai_client.webhooks.create(url="https://example.com/hook", name="prod",
                                            event_types=["batch.completed", "response.completed"])
    assert created.id.startswith("we_") and created.object == "webhook_endpoint"
    assert created.signing_secret.startswith("whsec_") and created.signing_secret_hint.endswith(
        created.signing_secret[-4:]
    )
    assert created.created_at == created.updated_at == int(mockapi.clock.now())
    fetched = openai_client.webhooks.retrieve(created.id)
    assert not hasattr(fetched, "signing_secret") and fetched.event_types == ["batch.completed", "response.completed"]

    mockapi.advance(10)
    second = openai_client.webhooks.create(url="https://example.com/other", name="b", event_types=["batch.failed"])
    page = openai_client.webhooks.list(limit=1)
    assert [e.id for e in page.data] == [second.id] and page.has_more  # newest first
    assert [e.id for e in openai_client.webhooks.list()] == [second.id, created.id]  # auto-paging follows `after`

    unchanged = openai_client.webhooks.update(created.id, name="prod")
    assert unchanged.updated_at == created.updated_at  # "unchanged updates do not advance it"
    changed = openai_client.webhooks.update(created.id, event_types=["batch.failed"], url="https://example.com/new")
    assert changed.updated_at == created.updated_at + 10 and changed.url == "https://example.com/new"
    assert changed.event_types == ["batch.failed"] and changed.name == "prod"

    gone = openai_client.webhooks.delete(created.id)
    assert gone.deleted is True and gone.id == created.id and gone.object == "webhook_endpoint.deleted"
    with pytest.raises(openai.NotFoundError) as caught:
        openai_client.webhooks.retrieve(created.id)
    assert caught.value.body["message"] == f"Webhook endpoint with id '{created.id}' not found."


def test_endpoints_belong_to_their_key(mockapi) -> None:
    mine = mockapi.openai_client("sk-a").webhooks.create(url="https://a.example/h", name="a",
                                                         event_types=["batch.completed"])  # fmt: skip
    other = mockapi.openai_client("sk-b")
    assert list(other.webhooks.list()) == []
    with pytest.raises(openai.NotFoundError):
        other.webhooks.delete(mine.id)


def test_event_types_are_the_sdks(openai_client) -> None:
    listed = openai_client.webhooks.event_types.list()
    hint = typing.get_type_hints(webhook_create_params.WebhookCreateParams)["event_types"]
    literal: list[str] = []

    def collect(node: Any) -> None:
        for arg in typing.get_args(node):
            literal.append(arg) if isinstance(arg, str) else collect(arg)

    collect(hint)
    assert listed.object == "list" and sorted(listed.data) == sorted(literal) and len(literal) > 20


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"url": "ftp://example.com/h", "name": "x", "event_types": ["batch.completed"]}, "url"),
        ({"url": "not a url", "name": "x", "event_types": ["batch.completed"]}, "url"),
        ({"url": "https://example.com/h", "name": "x", "event_types": ["batch.done"]}, "event_types[0]"),
        ({"url": "https://example.com/h", "name": "x", "event_types": []}, "event_types"),
        ({"url": "https://example.com/h", "event_types": ["batch.completed"]}, "name"),
        ({"url": "https://example.com/h", "name": 3, "event_types": ["batch.completed"]}, "name"),
    ],
)
def test_bad_endpoints_get_the_400_envelope(openai_client, body: dict[str, Any], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.post("/webhook_endpoints", body=body, cast_to=object)
    error = caught.value.body
    assert error["param"] == param and error["type"] == "invalid_request_error" and error["message"]


# -- deliveries ------------------------------------------------------------------------------------


def test_background_response_is_delivered_signed_and_unwraps(mockapi, openai_client, receiver) -> None:
    endpoint = subscribe(openai_client, receiver, "response.completed")
    openai_client.responses.create(model="gpt-4o-mini", input="Not in the background")  # sends no event
    response = openai_client.responses.create(model="gpt-4o-mini", input="Say hi", background=True)
    (delivery,) = mockapi.webhooks.wait_for("response.completed")
    assert delivery["status"] == "delivered" and delivery["attempts"][0]["status_code"] == 200
    headers, body = receiver.received[0]
    assert headers["user-agent"] == "OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)"
    assert headers["content-type"] == "application/json" and headers["webhook-id"] == delivery["id"]
    event = openai_client.webhooks.unwrap(body, headers, secret=endpoint.signing_secret)
    assert event.type == "response.completed" and event.object == "event" and event.id.startswith("evt_")
    assert event.data.id == response.id
    assert openai_client.responses.retrieve(event.data.id).status == "completed"  # what the guide's handler does
    mockapi.webhooks.run_once()
    assert len(mockapi.webhooks.deliveries()) == 1  # background responses only
    with pytest.raises(openai.InvalidWebhookSignatureError):
        openai_client.webhooks.unwrap(body, headers, secret="whsec_" + "QUFBQQ==")


def test_the_handler_may_call_the_fake_back(mockapi, openai_client, receiver) -> None:
    """The guide's handler retrieves the response while handling its event: no lock may be held."""
    seen: list[str] = []
    receiver.on_event = lambda headers, body: seen.append(
        openai_client.responses.retrieve(json.loads(body)["data"]["id"]).output_text
    )
    subscribe(openai_client, receiver, "response.completed")
    mockapi.responder.script({"text": "Hello from the background"})
    openai_client.responses.create(model="gpt-4o-mini", input="hi", background=True)
    mockapi.webhooks.wait_for("response.completed")
    assert seen == ["Hello from the background"]


def test_only_subscribed_events_of_the_owner_go_out(mockapi, openai_client, receiver) -> None:
    subscribe(openai_client, receiver, "response.cancelled")
    other = mockapi.openai_client("sk-other")
    other.responses.create(model="gpt-4o-mini", input="x", background=True)  # another key's: not ours
    done = openai_client.responses.create(model="gpt-4o-mini", input="x", background=True)  # completes
    mockapi.responder.script({"delays": {"in_progress": 60}})
    slow = openai_client.responses.create(model="gpt-4o-mini", input="slow", background=True)
    openai_client.responses.cancel(slow.id)
    (delivery,) = mockapi.webhooks.wait_for("response.cancelled")
    assert delivery["event"]["data"] == {"id": slow.id}
    openai_client.responses.retrieve(done.id)
    mockapi.webhooks.run_once()
    assert [e["type"] for e in receiver.events()] == ["response.cancelled"]


def test_batch_completion_needs_no_polling(mockapi, openai_client, receiver) -> None:
    subscribe(openai_client, receiver, "batch.completed", "batch.cancelled")
    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}}  # fmt: skip
    upload = openai_client.files.create(file=("in.jsonl", io.BytesIO(json.dumps(line).encode())), purpose="batch")
    batch = openai_client.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions",
                                         completion_window="24h")  # fmt: skip
    # Nobody reads the batch: the webhook thread ends it when its phases have passed.
    (delivery,) = mockapi.webhooks.wait_for("batch.completed")
    assert delivery["event"]["data"] == {"id": batch.id}
    assert openai_client.batches.retrieve(batch.id).status == "completed"


@manual
def test_fine_tuning_failure_and_eval_run_events(mockapi, openai_client, receiver) -> None:
    subscribe(openai_client, receiver, "fine_tuning.job.failed", "eval.run.canceled", "video.completed")
    mockapi.services["fine_tuning"].fail_next("invalid_training_file", "The file has too few examples.")
    training = openai_client.files.create(file=("t.jsonl", (FIXTURES / "fine_tuning" / "chat_good.jsonl").read_bytes()),
                                          purpose="fine-tune")  # fmt: skip
    job = openai_client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training.id)
    mockapi.webhooks.run_once()
    assert receiver.received == []  # a manual clock: nothing is due yet
    mockapi.advance(60)
    (failed,) = mockapi.webhooks.wait_for("fine_tuning.job.failed")
    assert failed["event"]["data"] == {"id": job.id} and failed["event"]["created_at"] == int(mockapi.clock.now())

    lenient = mockapi.openai_client()  # eval runs carry "error": null, which the SDK's strict mode refuses
    ev = lenient.evals.create(data_source_config={"type": "custom", "item_schema": {"type": "object"}},
                              testing_criteria=[{"type": "string_check", "name": "s", "input": "a",
                                                 "reference": "a", "operation": "eq"}])  # fmt: skip
    run = lenient.evals.runs.create(ev.id, data_source={"type": "jsonl", "source": {
        "type": "file_content", "content": [{"item": {}}]}})  # fmt: skip
    lenient.evals.runs.cancel(run.id, eval_id=ev.id)
    assert mockapi.webhooks.wait_for("eval.run.canceled")[0]["event"]["data"] == {"id": run.id}

    video = openai_client.videos.create(model="sora-2", prompt="a cat")
    mockapi.advance(600)
    assert mockapi.webhooks.wait_for("video.completed")[0]["event"]["data"] == {"id": video.id}


@manual
def test_failures_are_retried_with_backoff_on_the_fake_clock(mockapi, openai_client, receiver) -> None:
    subscribe(openai_client, receiver, "response.completed")
    receiver.answers.put(500)
    receiver.answers.put(302)  # redirects are not followed: a failure too
    openai_client.responses.create(model="gpt-4o-mini", input="x", background=True)
    mockapi.advance(1)
    first = mockapi.webhooks.wait_for("response.completed")[0]
    assert first["status"] == "pending" and [a["status_code"] for a in first["attempts"]] == [500]
    mockapi.advance(4.9)
    mockapi.webhooks.run_once()
    assert len(receiver.received) == 1  # the first retry comes 5 s later
    mockapi.advance(0.2)
    mockapi.webhooks.run_once()
    mockapi.advance(10)  # then 10 s
    mockapi.webhooks.run_once()
    (done,) = mockapi.webhooks.deliveries("response.completed")
    assert [a["status_code"] for a in done["attempts"]] == [500, 302, 200] and done["status"] == "delivered"
    ids = {headers["webhook-id"] for headers, _ in receiver.received}
    assert ids == {done["id"]}  # one id across attempts: the receiver's idempotency key
    assert len({json.loads(body)["id"] for _, body in receiver.received}) == 1


@manual
def test_retries_stop_after_72_hours_and_for_deleted_endpoints(mockapi, openai_client, receiver) -> None:
    endpoint = subscribe(openai_client, receiver, "response.completed", "response.failed")
    for _ in range(40):
        receiver.answers.put(503)
    openai_client.responses.create(model="gpt-4o-mini", input="x", background=True)
    for _ in range(20):
        mockapi.advance(6 * 3600)
        mockapi.webhooks.run_once()
    (gave_up,) = mockapi.webhooks.deliveries("response.completed")
    assert gave_up["status"] == "failed"
    last, first = gave_up["attempts"][-1]["at"], gave_up["attempts"][0]["at"]
    assert 24 * 3600 < last - first <= 72 * 3600 and len(gave_up["attempts"]) < 20

    mockapi.responder.script({"error": {"code": "server_error", "message": "boom"}})
    openai_client.responses.create(model="gpt-4o-mini", input="y", background=True)
    mockapi.advance(1)
    mockapi.webhooks.wait_for("response.failed")
    openai_client.webhooks.delete(endpoint.id)
    before = len(receiver.received)
    mockapi.advance(3600)
    mockapi.webhooks.run_once()
    assert len(receiver.received) == before
    assert mockapi.webhooks.deliveries("response.failed")[0]["status"] == "failed"


@manual
def test_rotated_secret_keeps_the_old_one_for_24_hours_when_asked(mockapi, openai_client, receiver) -> None:
    endpoint = subscribe(openai_client, receiver, "response.completed")
    rotated = openai_client.webhooks.rotate_secret(endpoint.id, keep_old_secret_active_for_24_hours=True)
    assert rotated.signing_secret != endpoint.signing_secret and rotated.updated_at == endpoint.created_at
    openai_client.responses.create(model="gpt-4o-mini", input="x", background=True)
    mockapi.advance(1)
    mockapi.webhooks.wait_for("response.completed")
    headers, body = receiver.received[-1]
    assert len(headers["webhook-signature"].split()) == 2
    for secret in (endpoint.signing_secret, rotated.signing_secret):
        openai_client.webhooks.verify_signature(body, headers, secret=secret)

    mockapi.advance(24 * 3600)
    openai_client.responses.create(model="gpt-4o-mini", input="y", background=True)
    mockapi.advance(1)
    mockapi.webhooks.wait_for("response.completed", count=2)
    headers, body = receiver.received[-1]
    openai_client.webhooks.verify_signature(body, headers, secret=rotated.signing_secret)
    with pytest.raises(openai.InvalidWebhookSignatureError):
        openai_client.webhooks.verify_signature(body, headers, secret=endpoint.signing_secret)
    again = openai_client.webhooks.rotate_secret(endpoint.id)  # default: the old secret stops at once
    assert again.signing_secret not in (endpoint.signing_secret, rotated.signing_secret)


def test_test_event_reports_the_receivers_status(mockapi, openai_client, receiver) -> None:
    endpoint = subscribe(openai_client, receiver, "batch.completed")
    receiver.answers.put(418)
    result = openai_client.webhooks.test(endpoint.id, event_type="realtime.call.incoming")
    assert result.status_code == 418 and result.success is True and result.webhook_endpoint_id == endpoint.id
    event = openai_client.webhooks.unwrap(*reversed(receiver.received[0]), secret=endpoint.signing_secret)
    assert event.type == "realtime.call.incoming" and event.data.call_id.startswith("rtc_")
    assert event.data.sip_headers
    # A handler that calls the fake back while the test request is still open (over a real socket, too).
    receiver.on_event = lambda headers, body: openai_client.models.list()
    assert openai_client.webhooks.test(endpoint.id, event_type="batch.completed").status_code == 200

    dead = openai_client.webhooks.create(url="http://127.0.0.1:9/nothing", name="dead", event_types=["batch.failed"])
    with pytest.raises(openai.BadRequestError) as caught:
        openai_client.webhooks.test(dead.id, event_type="batch.failed")
    assert "Could not deliver the test event" in caught.value.message


def test_over_a_socket_the_test_event_may_call_back(mockapi_server, receiver) -> None:
    client = openai.OpenAI(base_url=mockapi_server.base_url, api_key="sk-sock", max_retries=0)
    endpoint = client.webhooks.create(url=receiver.url, name="s", event_types=["response.completed"])
    receiver.on_event = lambda headers, body: client.models.retrieve("gpt-4o-mini")
    assert client.webhooks.test(endpoint.id, event_type="response.completed").status_code == 200
    client.close()


def test_configured_endpoints_get_every_keys_events(receiver) -> None:
    secret = "whsec_" + "c2VjcmV0LWZvci10ZXN0cy1vbmx5LTMyYnl0ZXMhISE="
    fake = Fake(extra={"webhooks": {"endpoints": [{"url": receiver.url, "secret": secret,
                                                   "event_types": ["response.completed"]}]}})  # fmt: skip
    for key in ("sk-one", "sk-two"):
        fake.openai_client(key).responses.create(model="gpt-4o-mini", input="x", background=True)
    fake.webhooks.wait_for("response.completed", count=2)
    client = fake.openai_client()
    for headers, body in receiver.received:
        assert client.webhooks.unwrap(body, headers, secret=secret).type == "response.completed"
    added = fake.webhooks.add_endpoint(receiver.url, event_types=["batch.failed"])
    assert added["signing_secret"].startswith("whsec_")
    with pytest.raises(ValueError, match="unknown event types"):
        fake.webhooks.add_endpoint(receiver.url, event_types=["batch.done"])
    with pytest.raises(ValueError, match=r"unknown event types: batch\.done"):  # a config file's typo
        Fake(extra={"webhooks": {"endpoints": [{"url": receiver.url, "event_types": ["batch.done"]}]}})


def test_control_plane_over_http(mockapi, receiver) -> None:
    http = mockapi.http_client()
    added = http.post("/__mockapi__/webhooks/endpoints", json={"url": receiver.url}).json()
    assert added["signing_secret"].startswith("whsec_") and len(added["event_types"]) > 20
    mockapi.openai_client().responses.create(model="gpt-4o-mini", input="x", background=True)
    waited = http.post("/__mockapi__/webhooks/deliveries/wait", json={"type": "response.completed"}).json()
    listed = http.get("/__mockapi__/webhooks/deliveries", params={"type": "response.completed"}).json()
    assert waited["data"][0]["id"] == listed["data"][0]["id"]


def test_the_thread_ends_with_its_fake(receiver) -> None:
    fake = Fake()
    fake.webhooks.add_endpoint(receiver.url)
    thread = fake.webhooks._thread
    assert thread is not None and thread.is_alive()
    del fake
    for _ in range(100):  # the thread may hold the service for an instant while a collection runs
        gc.collect()
        thread.join(0.02)
        if not thread.is_alive():
            break
    assert not thread.is_alive()


@pytest.mark.mockapi(journal_size=3)
def test_deliveries_kept_for_reading_are_bounded(mockapi, openai_client, receiver) -> None:
    endpoint = subscribe(openai_client, receiver, "batch.completed")
    for _ in range(5):
        openai_client.webhooks.test(endpoint.id, event_type="batch.completed")
    kept = mockapi.webhooks.deliveries()
    assert len(receiver.received) == 5 and len(kept) == 3
    assert [d["id"] for d in kept] == [h["webhook-id"] for h, _ in receiver.received[-3:]]
