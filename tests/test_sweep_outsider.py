"""Discrepancies an outside user found (Node SDK scenarios, schemathesis on the raw spec, raw HTTP probes).

Each test reproduces a bug an outsider hit (each failed before its fix).
"""

from __future__ import annotations

import pytest

USER = [{"role": "user", "content": "x"}]


# An integral float (2.0) for an integer parameter. The fake's handlers used to word the 400 with the Python type
# name ("Invalid type for 'n': got float instead."), breaking the real pattern "Invalid type for '<p>': expected
# <type>, but got <json type> instead." (core.md §1.2); the contract layer says "but got a decimal instead" for 1.5.
# Whether the real API takes 2.0 is unverified: the fake refuses it like 1.5 (contracts/README.md).
@pytest.mark.parametrize(("path", "body", "param"), [
    ("/v1/chat/completions", {"model": "gpt-4o-mini", "messages": USER, "n": 2.0}, "n"),
    ("/v1/chat/completions", {"model": "gpt-4o-mini", "messages": USER, "max_completion_tokens": 5.0},
     "max_completion_tokens"),
    ("/v1/chat/completions", {"model": "gpt-4o-mini", "messages": USER, "seed": 3.0}, "seed"),
    ("/v1/responses", {"model": "gpt-4o-mini", "input": "x", "max_output_tokens": 50.0}, "max_output_tokens"),
    ("/v1/completions", {"model": "gpt-3.5-turbo-instruct", "prompt": "x", "max_tokens": 5.0}, "max_tokens"),
])
def test_integral_float_for_an_integer_parameter(http, path: str, body: dict, param: str) -> None:
    r = http.post(path, json=body)
    assert r.status_code == 400
    error = r.json()["error"]
    assert (error["param"], error["code"]) == (param, "invalid_type")
    assert error["message"] == f"Invalid type for '{param}': expected an integer, but got a decimal instead."


# Browsers: the Node SDK runs in a browser with `dangerouslyAllowBrowser: true`; before each call (it sends
# Authorization and x-stainless-* headers) the browser sends an unauthenticated CORS preflight. api.openai.com
# answers it and returns `Access-Control-Allow-Origin: *` (Niek/chatgpt-web#330, 2026 maintainer comment: "/v1/models
# accepts the browser preflight ... and returns Access-Control-Allow-Origin: *"; bricks-cloud/BricksLLM#45: browser
# calls work against api.openai.com). The fake answered OPTIONS with 405 and sent no Access-Control-Allow-Origin, so
# a browser app pointed at `mockapi serve` cannot call it. Exact preflight header values are unverified.
def test_browser_cors_preflight_and_allow_origin(http) -> None:
    pre = http.options("/v1/chat/completions", headers={
        "Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,x-stainless-os,x-stainless-retry-count",
    })
    assert 200 <= pre.status_code < 300
    assert pre.headers.get("access-control-allow-origin") in ("*", "http://localhost:5173")
    allowed = pre.headers.get("access-control-allow-headers", "").lower()
    assert all(h in allowed for h in ("authorization", "content-type", "x-stainless-os"))  # "*" omits authorization
    get = http.get("/v1/models", headers={"Origin": "http://localhost:5173", "Authorization": "Bearer sk-x"})
    assert get.status_code == 200
    assert get.headers.get("access-control-allow-origin") in ("*", "http://localhost:5173")
    missing = http.get("/v1/files/file-nope", headers={"Origin": "http://localhost:5173"})  # errors too: JS reads them
    assert missing.status_code == 404 and missing.headers.get("access-control-allow-origin") == "*"
