"""Contract fuzzing with schemathesis over every operation the fake implements.

The schema is the normalized official document plus the overlay (``Contract.validation_document()``: error
responses on every operation, query bounds, patched schemas), so schemathesis judges the fake by the same
contract the fake validates against. The ASGI app is called in-process. Each operation gets a bounded,
derandomized mix of cases: realistic positive cases (ids of objects seeded beforehand in the path and body, a
model that suits the endpoint, only declared keys: they reach real handlers, not only 404s), plain positive
cases and negative cases. Checks:
not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance; the fake
must also record no internal error and no contract violation of its own (it checks stream events too).

Deliberate exclusions (per operation and check, with the reason) are listed in EXCLUDED and in
contracts/README.md ("Contract fuzzing"). MOCKAPI_FUZZ_EXAMPLES raises the number of cases per operation;
``python tests/test_fuzz.py`` prints the document for the schemathesis CLI (its coverage phase, by hand).
"""

from __future__ import annotations

import io
import json
import os
from typing import Any

import orjson
import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mockapi.contract import Contract  # noqa: E402
from mockapi.fake import Fake  # noqa: E402

EXAMPLES = int(os.environ.get("MOCKAPI_FUZZ_EXAMPLES", "16"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
HEADERS = {"Authorization": "Bearer sk-fuzz", "OpenAI-Beta": "assistants=v2"}
# (METHOD, path template) -> {check name: reason}. Empty: no deviation found needs one.
EXCLUDED: dict[tuple[str, str], dict[str, str]] = {}


def _order(operation: tuple[str, str]) -> tuple[int, int, str, str]:
    """Cancels, then deletes (children before parents) last, so the others still find the seeded objects."""
    method, path = operation
    if method == "DELETE":
        return 2, -path.count("/"), path, method
    return int(path.endswith("/cancel")), 0, path, method


OPERATIONS = sorted(((r.method, r.path) for r in Fake().router.routes), key=_order)


def fuzz_document(only_implemented: bool = False) -> dict[str, Any]:
    """``Contract.validation_document()`` restated for schemathesis (event streams, upload part names); a copy."""
    contract = Contract.load()
    document = orjson.loads(orjson.dumps(contract.validation_document()))  # schemathesis edits what it loads
    _sse_item_schemas(document, contract.overlay.get("streams", {}))
    _name_upload_parts(document)
    if only_implemented:
        implemented = set(OPERATIONS)
        document["paths"] = {
            path: {k: v for k, v in item.items() if k.upper() not in HTTP or (k.upper(), path) in implemented}
            for path, item in document["paths"].items() if any((m, path) in implemented for m in HTTP)
        }
    return document


HTTP = ("GET", "POST", "DELETE", "PUT", "PATCH")


class Env:
    def __init__(self) -> None:
        # Any key may call the Administration API here, so its handlers are fuzzed and not only its 403.
        self.fake = Fake(validate_responses=True, step_delay=0.01, require_admin_key=False)
        self.schema = schemathesis.openapi.from_dict(fuzz_document())
        self.schema.app = self.fake.app
        self.ids = _seed(self.fake)


@pytest.fixture(scope="module")
def env() -> Env:
    return Env()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_operation_conforms(env: Env, method: str, path: str) -> None:
    operation = env.schema[path][method]
    known = _path_parameters(env.ids, path)
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    # Twice the weight: most cases should reach a handler with real objects and a model that fits the endpoint.
    realistic = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known or None)
    strategies[:0] = [realistic.map(lambda case: _realistic(case, env.ids))] * 2
    excluded = EXCLUDED.get((method, path), {})
    checks = [check for check in CHECKS if check.__name__ not in excluded]
    env.fake.violations.clear()
    env.fake.internal_errors.clear()

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=st.one_of(strategies))
    def fuzz(case: Any) -> None:
        case.call_and_validate(headers=HEADERS, checks=checks)

    fuzz()  # a failure is a schemathesis FailureGroup (a BaseExceptionGroup), reported as is
    assert not env.fake.internal_errors, env.fake.internal_errors[0]
    assert not env.fake.violations, "\n".join(env.fake.violations[:10])


def test_every_implemented_operation_is_fuzzed() -> None:
    contract = Contract.load()
    assert len(OPERATIONS) >= 80
    assert all(contract.operation(m, p) is not None for m, p in OPERATIONS)


# -- event streams as schemathesis reads them -------------------------------------------------------------


def _sse_item_schemas(document: dict[str, Any], streams: dict[str, Any]) -> None:
    """Restate every ``text/event-stream`` response in the OpenAPI 3.2 form schemathesis 4 validates.

    schemathesis checks each event as an object (``{"event": name, "data": "<text>"}``; ``event`` is
    ``message`` without an ``event:`` line) against the media type's schema, while the OpenAI document's schema
    describes the JSON inside ``data``. So the schema moves into ``itemSchema``, as the ``contentSchema`` of
    ``data`` (JSON text), keyed by event name where the overlay's ``streams`` wiring names the events, and the
    ``[DONE]`` terminator is let through. Not a deviation: the same contract, written for the tool.
    """
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                media = (response.get("content") or {}).get("text/event-stream")
                if media is None or "schema" not in media:
                    continue
                wiring = streams.get(f"{method.upper()} {path}")
                media["itemSchema"] = _event_schema(media.pop("schema"), wiring)


def _event_schema(declared: Any, wiring: dict[str, Any] | None) -> dict[str, Any]:
    def data(content: Any) -> dict[str, Any]:
        return {"type": "string", "if": {"const": "[DONE]"},
                "else": {"contentMediaType": "application/json", "contentSchema": content}}

    if wiring is None:
        return {"type": "object", "required": ["data"], "properties": {"data": data(declared)}}
    rules = []
    for name, components in wiring["events"].items():
        refs = [{"$ref": f"#/components/schemas/{c}"} for c in (components if isinstance(components, list) else
                                                                   [components])]
        rules.append({"if": {"required": ["event"], "properties": {"event": {"const": name or "message"}}},
                      "then": {"properties": {"data": data(refs[0] if len(refs) == 1 else {"anyOf": refs})}}})
    return {"type": "object", "required": ["data"], "allOf": rules}


# File parts get a filename and content type a server can recognize (schemathesis names a part after the
# format its bytes start with, and knows no audio formats): the fake, like the real API, checks both.
UPLOAD_PARTS = {
    "/audio/transcriptions": {"file": ("speech.wav", "audio/wav")},
    "/audio/translations": {"file": ("speech.wav", "audio/wav")},
    "/audio/voice_consents": {"recording": ("consent.wav", "audio/wav")},
    "/audio/voices": {"audio_sample": ("sample.wav", "audio/wav")},
    "/images/edits": {"image": ("image.png", "image/png")},
    "/images/variations": {"image": ("image.png", "image/png")},
}


def _name_upload_parts(document: dict[str, Any]) -> None:
    for path, parts in UPLOAD_PARTS.items():
        media = document["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]
        encoding = media.setdefault("encoding", {})
        for name, (filename, content_type) in parts.items():
            disposition = {"schema": {"type": "string", "example": f'form-data; name="{name}"; filename="{filename}"'}}
            encoding[name] = {"contentType": content_type, "headers": {"Content-Disposition": disposition}}


# -- seeded objects --------------------------------------------------------------------------------------

# A model that suits each endpoint: generated model names are mostly unknown (404) or of the wrong kind (400).
MODELS = {
    "/chat/completions": "gpt-4o-mini", "/completions": "gpt-3.5-turbo-instruct",
    "/embeddings": "text-embedding-3-small", "/moderations": "omni-moderation-latest",
    "/images/generations": "dall-e-2", "/images/edits": "dall-e-2", "/images/variations": "dall-e-2",
    "/audio/speech": "gpt-4o-mini-tts", "/audio/transcriptions": "whisper-1", "/audio/translations": "whisper-1",
    "/fine_tuning/jobs": "gpt-4o-mini-2024-07-18",
}
# Body fields that name an object: the seeded one of that kind.
BODY_IDS = {"assistant_id": "assistant_id", "input_file_id": "batch_input_id", "training_file": "training_file_id",
            "file_id": "file_id", "vector_store_id": "vector_store_id", "conversation": "conversation_id",
            "previous_response_id": "response_id", "consent": "consent_id", "user_id": "user_id",
            "group_id": "group_id", "role_id": "role_id"}


def _realistic(case: Any, ids: dict[str, str]) -> Any:
    """A generated case closer to what a client sends: a model that suits the endpoint, the seeded objects' ids
    in its body, and no top-level keys the operation does not declare (the document's objects are open, the
    real API rejects unknown keys with a 400)."""
    body = case.body
    if isinstance(body, dict):
        declared = _declared_keys(case.operation.method, case.operation.path, case.media_type)
        for key in [k for k in body if declared is not None and k not in declared]:
            del body[key]
        if isinstance(body.get("voice"), str):
            body["voice"] = "alloy"
        if "model" in body:
            body["model"] = MODELS.get(case.operation.path, "gpt-4o-mini")
        for key, kind in BODY_IDS.items():
            if key in body and kind in ids:
                body[key] = ids[kind]
        if isinstance(body.get("file_ids"), list):
            body["file_ids"] = [ids["file_id"]]
        path = case.operation.path
        if isinstance(body.get("certificate_ids"), list) and "certificate_id" in ids:
            body["certificate_ids"] = [ids["certificate_id"]]
        if path.startswith(("/projects/", "/organization/projects/")) and "project_role_id" in ids:
            # A project's role, not the organization's (a project group's ``role`` too; a member's is a name).
            for key in ("role_id", "role") if path.endswith("/groups") else ("role_id",):
                if isinstance(body.get(key), str):
                    body[key] = ids["project_role_id"]
        if path.startswith("/audio/") and "file" in body:
            body["file"] = _samples()["wav"]  # schemathesis names the part after its content: file.wav
        for part in ("recording", "audio_sample"):
            if path.startswith("/audio/") and part in body:
                body[part] = _samples()["wav"]
        if path in ("/images/edits", "/images/variations") and "image" in body:
            body["image"] = _samples()["png"]
            body.pop("mask", None)
    return case


_DECLARED: dict[tuple[str, str, str | None], set[str] | None] = {}


def _declared_keys(method: str, path: str, media_type: str | None) -> set[str] | None:
    """Top-level property names of the operation's request body (None: it takes any)."""
    key = (method, path, media_type)
    if key not in _DECLARED:
        contract = Contract.load()
        content = contract.operation(method, path).spec.get("requestBody", {}).get("content", {})
        schema = (content.get(media_type or "application/json") or next(iter(content.values()), {})).get("schema")
        names: set[str] = set()
        _DECLARED[key] = names if schema is not None and _collect(contract, schema, names, 0) else None
    return _DECLARED[key]


def _collect(contract: Contract, node: Any, names: set[str], depth: int) -> bool:
    node = contract.resolve(node)
    if not isinstance(node, dict) or depth > 8:
        return False
    names.update(node.get("properties", {}))
    parts = [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]
    return all(_collect(contract, part, names, depth + 1) for part in parts) and bool(names)


_SAMPLES: dict[str, bytes] = {}


def _samples() -> dict[str, bytes]:
    """Half a second of speech (WAV) and a square RGBA PNG, made once."""
    if not _SAMPLES:
        from mockapi.conformance.scenarios._util import png_rgba, wav_tone

        _SAMPLES.update(wav=wav_tone(0.5), png=png_rgba(64))
    return _SAMPLES



def _path_parameters(ids: dict[str, str], path: str) -> dict[str, str]:
    """Known ids for the path's parameters (``batch_id`` means a file batch under /vector_stores, ``thread_id`` a
    ChatKit thread under /chatkit, ``role_id`` and ``alert_id`` a project's under a project)."""
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    scoped = {**ids, "batch_id": ids["file_batch_id"]} if path.startswith("/vector_stores") else ids
    if path.startswith("/chatkit") and "chatkit_thread_id" in ids:
        scoped = {**ids, "thread_id": ids["chatkit_thread_id"]}
    if path.startswith(("/projects/", "/organization/projects/")) and "project_role_id" in ids:
        scoped = {**scoped, "role_id": ids["project_role_id"], "alert_id": ids["project_alert_id"]}
    return {name: scoped[name] for name in names if name in scoped}


def _seed(fake: Fake) -> dict[str, str]:
    """One object of every kind, created through the official SDK, keyed by the spec's path parameter names."""
    client = fake.openai_client(api_key="sk-fuzz")
    routes = {(r.method, r.path) for r in fake.router.routes}
    ids: dict[str, str] = {}
    text = client.files.create(file=("notes.txt", io.BytesIO(b"Saturn has rings of ice.")), purpose="assistants")
    ids["file_id"] = text.id
    ids["upload_id"] = client.uploads.create(filename="big.txt", purpose="assistants", bytes=10,
                                             mime_type="text/plain").id

    assistant = client.beta.assistants.create(model="gpt-4o-mini", tools=[{"type": "function", "function": {
        "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}])
    ids["assistant_id"] = assistant.id
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Paris?"}])
    ids["thread_id"] = thread.id
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    ids["run_id"] = run.id
    ids["step_id"] = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id).data[0].id
    ids["message_id"] = client.beta.threads.messages.list(thread.id).data[0].id

    store = client.vector_stores.create(name="kb", file_ids=[text.id])
    ids["vector_store_id"] = store.id
    other = client.files.create(file=("more.txt", io.BytesIO(b"Bread needs yeast.")), purpose="assistants")
    ids["file_batch_id"] = client.vector_stores.file_batches.create(store.id, file_ids=[other.id]).id

    ids["completion_id"] = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], store=True).id

    rows = [{"messages": [{"role": "user", "content": f"Color {i}?"}, {"role": "assistant", "content": "Red"}]}
            for i in range(10)]
    training = client.files.create(file=("train.jsonl", io.BytesIO("\n".join(map(json.dumps, rows)).encode())),
                                   purpose="fine-tune")
    ids["training_file_id"] = training.id
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=training.id)
    fake.services["fine_tuning"].complete(job.id)
    job = client.fine_tuning.jobs.retrieve(job.id)
    ids["fine_tuning_job_id"] = job.id
    ids["model"] = job.fine_tuned_model
    checkpoint = client.fine_tuning.jobs.checkpoints.list(job.id).data[0].fine_tuned_model_checkpoint
    ids["fine_tuned_model_checkpoint"] = checkpoint
    ids["permission_id"] = client.fine_tuning.checkpoints.permissions.create(
        checkpoint, project_ids=["proj_fuzz"]).data[0].id

    line = {"custom_id": "a", "method": "POST", "url": "/v1/chat/completions",
            "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}}
    batch_input = client.files.create(file=("in.jsonl", io.BytesIO(json.dumps(line).encode())), purpose="batch")
    ids["batch_input_id"] = batch_input.id
    ids["batch_id"] = client.batches.create(input_file_id=batch_input.id, endpoint="/v1/chat/completions",
                                            completion_window="24h").id

    if ("POST", "/skills") in routes:
        ids["skill_id"] = client.skills.create(files=[("fuzz/SKILL.md", b"---\nname: fuzz\n---\nFuzz.\n")]).id
        ids["version"] = "1"
    if ("POST", "/audio/voice_consents") in routes:
        ids["consent_id"] = client.audio.voice_consents.create(
            name="fuzz", language="en-US", recording=("consent.wav", _samples()["wav"], "audio/wav")).id
    if ("POST", "/responses") in routes:
        ids["response_id"] = client.responses.create(model="gpt-4o-mini", input="Hello").id
    if ("POST", "/conversations") in routes:
        conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": "Hi"}])
        ids["conversation_id"] = conversation.id
        ids["item_id"] = client.conversations.items.list(conversation.id).data[0].id
    if ("POST", "/chatkit/sessions") in routes:
        ids["session_id"] = client.beta.chatkit.sessions.create(user="fuzz", workflow={"id": "wf_fuzz"}).id
        ids["chatkit_thread_id"] = fake.services["chatkit"].add_thread("fuzz", api_key="sk-fuzz", items=[
            {"type": "user_message", "text": "Hi"}, {"type": "assistant_message", "text": "Hello"}])["id"]
    if ("POST", "/organization/groups") in routes:
        _seed_organization(fake, ids)
    client.close()
    return ids


def _seed_organization(fake: Fake, ids: dict[str, str]) -> None:
    """A group (a member, a role, access to the default project), roles, a certificate and spend alerts. The
    default project, which cannot be archived, is the seeded project; its owner the seeded user."""
    client = fake.openai_client(admin_api_key="sk-fuzz")
    org = client.admin.organization
    project_id = org.projects.list().data[0].id
    user_id = org.users.list().data[0].id
    group = org.groups.create(name="fuzz")
    org.groups.users.create(group.id, user_id=user_id)
    role = org.roles.create(role_name="fuzz", permissions=["api.groups.read"])
    org.groups.roles.create(group.id, role_id=role.id)
    org.users.roles.create(user_id, role_id=role.id)
    project_role = org.projects.roles.create(project_id, role_name="fuzz", permissions=["api.model.request"])
    org.projects.groups.create(project_id, group_id=group.id, role=project_role.id)
    org.projects.users.roles.create(user_id, project_id=project_id, role_id=project_role.id)
    from mockapi.conformance.scenarios._util import TEST_CERTIFICATE

    alert = {"threshold_amount": 100, "currency": "USD", "interval": "month",
             "notification_channel": {"type": "email", "recipients": ["fuzz@example.com"]}}
    ids.update(project_id=project_id, user_id=user_id, group_id=group.id, role_id=role.id,
               project_role_id=project_role.id,
               certificate_id=org.certificates.create(certificate=TEST_CERTIFICATE, name="fuzz").id,
               alert_id=org.spend_alerts.create(**alert).id,
               project_alert_id=org.projects.spend_alerts.create(project_id, **alert).id)
    client.close()


if __name__ == "__main__":
    # The same contract for the schemathesis CLI, e.g. with its coverage phase against `mockapi serve`:
    #   python tests/test_fuzz.py > /tmp/fuzz.json
    #   schemathesis run /tmp/fuzz.json -u http://127.0.0.1:4010/v1 -H "Authorization: Bearer sk-x" \
    #     -H "OpenAI-Beta: assistants=v2" --phases examples,coverage,fuzzing -n 30 --continue-on-failure \
    #     -c not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
    import sys

    sys.stdout.write(orjson.dumps(fuzz_document(only_implemented=True)).decode())
