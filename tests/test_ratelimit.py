"""Rate limits (issue 5): per-key RPM/TPM accounting on the shared clock, real headers and 429s."""

from __future__ import annotations

import openai
import pytest

from mockapi import tokens
from mockapi.config import Config
from mockapi.fake import Fake
from mockapi.ratelimit import estimate_tokens, go_duration

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 5}
HEADERS = ("limit-requests", "remaining-requests", "reset-requests", "limit-tokens", "remaining-tokens",
           "reset-tokens")


def _ratelimit(response) -> dict[str, str]:
    return {name: response.headers[f"x-ratelimit-{name}"] for name in HEADERS
            if f"x-ratelimit-{name}" in response.headers}


@pytest.mark.parametrize(("seconds", "expected"), [
    (0, "0s"), (0.008, "8ms"), (0.12, "120ms"), (1, "1s"), (18.642, "18.642s"), (20, "20s"), (60, "1m0s"),
    (360, "6m0s"), (61.5, "1m1.5s"), (3600, "1h0m0s"), (3723.25, "1h2m3.25s"),
])
def test_go_durations(seconds, expected) -> None:
    assert go_duration(seconds) == expected


@pytest.mark.mockapi(manual_clock=True)
def test_rpm_limit_plus_one_gets_429_and_the_clock_resets_it(mockapi) -> None:
    mockapi.rate_limits.configure(rpm=3)
    client = mockapi.openai_client(max_retries=0, _strict_response_validation=True)

    seen = []
    for _ in range(3):
        response = client.models.with_raw_response.list()
        seen.append(_ratelimit(response))
    assert seen == [
        {"limit-requests": "3", "remaining-requests": "2", "reset-requests": "20s"},
        {"limit-requests": "3", "remaining-requests": "1", "reset-requests": "40s"},
        {"limit-requests": "3", "remaining-requests": "0", "reset-requests": "1m0s"},
    ]

    with pytest.raises(openai.RateLimitError) as caught:
        client.models.list()
    error = caught.value
    assert error.code == "rate_limit_exceeded" and error.type == "requests"
    assert error.body["message"] == (
        "Rate limit reached for requests in organization user-mockapi on requests per min (RPM): Limit 3, Used 3, "
        "Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."
    )
    assert _ratelimit(error.response) == {"limit-requests": "3", "remaining-requests": "0", "reset-requests": "1m0s"}
    assert error.response.headers["retry-after"] == "20"
    assert error.response.headers["retry-after-ms"] == "20000"
    assert mockapi.journal.entries()[-1].fault == "rate_limits:requests"

    mockapi.advance(20)  # one request's worth refilled
    assert _ratelimit(client.models.with_raw_response.list())["remaining-requests"] == "0"
    with pytest.raises(openai.RateLimitError):
        client.models.list()

    mockapi.advance(60)  # a full minute: back to the initial state
    response = client.models.with_raw_response.list()
    assert _ratelimit(response) == {"limit-requests": "3", "remaining-requests": "2", "reset-requests": "20s"}


@pytest.mark.mockapi(manual_clock=True)
def test_tpm_counts_prompt_and_requested_output_tokens(mockapi) -> None:
    mockapi.rate_limits.configure(tpm=100)
    cost = tokens.chat_prompt_tokens(CHAT["messages"], CHAT["model"]) + CHAT["max_tokens"]
    assert estimate_tokens(CHAT, CHAT["model"]) == cost
    client = mockapi.openai_client(max_retries=0, _strict_response_validation=True)

    response = client.chat.completions.with_raw_response.create(**CHAT)
    assert _ratelimit(response) == {
        "limit-tokens": "100", "remaining-tokens": str(100 - cost), "reset-tokens": go_duration(cost * 60 / 100),
    }
    used = cost
    while used + cost <= 100:
        client.chat.completions.create(**CHAT)
        used += cost
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(**CHAT)
    error = caught.value
    assert error.type == "tokens"
    assert error.body["message"].startswith(
        f"Rate limit reached for gpt-4o-mini in organization user-mockapi on tokens per min (TPM): Limit 100, "
        f"Used {used}, Requested {cost}. Please try again in "
    )
    assert float(error.response.headers["retry-after-ms"]) / 1000 == pytest.approx((used + cost - 100) * 0.6, abs=1e-3)

    big = {**CHAT, "max_tokens": 200}
    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(**big)
    assert caught.value.body["message"].startswith(
        "Request too large for gpt-4o-mini in organization user-mockapi on tokens per min (TPM): Limit 100, "
        f"Requested {cost + 195}. The input or output tokens must be reduced"
    )
    assert "retry-after" not in caught.value.response.headers


@pytest.mark.mockapi(manual_clock=True)
def test_limits_are_per_key_and_per_model(mockapi) -> None:
    mockapi.rate_limits.configure(rpm=1, models={"gpt-4o": {"rpm": 2}, "gpt-3.5*": {"rpm": 5}})
    with mockapi.http_client() as a, mockapi.http_client(api_key="sk-other") as b:
        assert a.post("/v1/chat/completions", json=CHAT).status_code == 200
        assert a.post("/v1/chat/completions", json=CHAT).status_code == 429
        assert b.post("/v1/chat/completions", json=CHAT).status_code == 200  # another key, its own bucket
        gpt4o = {**CHAT, "model": "gpt-4o"}
        assert a.post("/v1/chat/completions", json=gpt4o).headers["x-ratelimit-limit-requests"] == "2"
        assert a.post("/v1/chat/completions", json=gpt4o).status_code == 200
        assert a.post("/v1/chat/completions", json=gpt4o).status_code == 429
        assert a.get("/v1/models").status_code == 200  # requests without a model: one more bucket
        old = {**CHAT, "model": "gpt-3.5-turbo"}
        assert a.post("/v1/chat/completions", json=old).headers["x-ratelimit-limit-requests"] == "5"  # glob
    assert mockapi.rate_limits.status("sk-test", "gpt-4o")["x-ratelimit-remaining-requests"] == "0"


def test_headers_on_every_response_only_when_enabled(http, mockapi) -> None:
    assert not any(h.startswith("x-ratelimit-") for h in http.get("/v1/models").headers)
    mockapi.rate_limits.configure(rpm=100, tpm=1000)
    response = http.get("/v1/models/nope")  # an error response carries them too
    assert response.status_code == 404
    assert set(_ratelimit(response)) == set(HEADERS)
    mockapi.rate_limits.disable()
    assert not any(h.startswith("x-ratelimit-") for h in http.get("/v1/models").headers)


def test_sdk_honours_the_retry_after_of_a_real_429(mockapi) -> None:
    """Real clock: 1200 RPM gives a request back every 50 ms; the SDK waits that long and gets through."""
    mockapi.rate_limits.configure(rpm=1200)
    mockapi.rate_limits.use("sk-test", requests=1200)  # a key at its limit
    client = mockapi.openai_client(max_retries=2, _strict_response_validation=True)
    assert client.models.list().data
    entries = mockapi.journal.entries()
    assert [e.status for e in entries] == [429, 200]
    assert entries[1].time - entries[0].time >= 0.045


def test_control_plane_and_config(http, mockapi) -> None:
    assert http.get("/__mockapi__/rate_limits").json()["enabled"] is False
    configured = http.post("/__mockapi__/rate_limits", json={"rpm": 2, "models": {"gpt-4o": {"tpm": 50}}}).json()
    assert configured == {"enabled": True, "rpm": 2, "tpm": None, "models": {"gpt-4o": {"rpm": 2, "tpm": 50}}}
    assert http.get("/v1/models").headers["x-ratelimit-remaining-requests"] == "1"
    status = http.get("/__mockapi__/rate_limits/status", params={"api_key": "sk-test"}).json()
    assert status["x-ratelimit-remaining-requests"] == "1"
    assert http.post("/__mockapi__/rate_limits", json={"rpm": -1}).status_code == 400
    assert http.post("/__mockapi__/rate_limits", json={"rpx": 1}).status_code == 400
    assert http.delete("/__mockapi__/rate_limits").json()["enabled"] is False

    fake = Fake(Config.from_dict({"rate_limits": {"rpm": 1}}))
    with fake.http_client() as client:
        assert client.get("/v1/models").status_code == 200
        assert client.get("/v1/models").status_code == 429
        fake.reset()  # forgets usage, keeps the limits
        assert client.get("/v1/models").status_code == 200


def test_in_fake_execution_does_not_count(mockapi) -> None:
    mockapi.rate_limits.configure(rpm=1)
    for _ in range(3):
        status, _ = mockapi.dispatcher.execute("GET", "/v1/models", None, api_key="sk-test", owner="sk-test")
        assert status == 200
