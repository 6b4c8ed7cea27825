"""Cross-cutting HTTP behaviour, with raw requests no client library would send: authentication, unknown
URLs, bodies that are not JSON, the Assistants beta header, the error envelope and response headers."""

from __future__ import annotations

ENVELOPE_KEYS = {"message", "type", "param", "code"}


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ENVELOPE_KEYS, body
    return body["error"]


def scenario_missing_api_key_is_401(http) -> None:
    response = http.get("models", headers={"Authorization": ""})
    assert response.status_code == 401
    message = _error(response)["message"]
    assert "API key" in message or "authentication" in message  # core.md 1.2: both real wordings


def scenario_unknown_url_is_404(http, target) -> None:
    response = http.post("no_such_endpoint", json={}, headers={"Authorization": f"Bearer {target.api_key}"})
    assert response.status_code == 404
    assert "no_such_endpoint" in _error(response)["message"]


def scenario_invalid_json_is_400(http, target) -> None:
    response = http.post("chat/completions", content=b"{not json",
                         headers={"Authorization": f"Bearer {target.api_key}", "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "parse the JSON body" in _error(response)["message"]


def scenario_assistants_need_the_beta_header(http, target) -> None:
    response = http.get("assistants", headers={"Authorization": f"Bearer {target.api_key}"})
    assert response.status_code == 400
    assert "OpenAI-Beta" in _error(response)["message"]


def scenario_response_headers(http, target) -> None:
    response = http.get("models", headers={"Authorization": f"Bearer {target.api_key}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"].startswith("req_")
    assert response.headers["openai-processing-ms"].isdigit()
