"""mockapi_client: a reference OpenAI REST client on httpx, sync and async, typed with pydantic.

Resilience: retries with backoff and Retry-After (``RetryPolicy``), ``CircuitBreaker``, bounded concurrency
(``RequestQueue`` / ``AsyncRequestQueue``), ``RateLimiter`` (requests and exact tokens per minute).
Helpers: tool loops (``tools``), structured output (``chat.completions.parse``), ``Conversation``,
``finetune``, usage and cost (``client.usage``).
"""

from mockapi_client.breaker import BreakerState, CircuitBreaker
from mockapi_client.client import AsyncClient, Client
from mockapi_client.conversation import Conversation
from mockapi_client.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    CircuitOpenError,
    ConflictError,
    FineTuneFileError,
    FinishReasonError,
    MockapiClientError,
    NotFoundError,
    PermissionDeniedError,
    PollTimeoutError,
    QueueFullError,
    QueueTimeoutError,
    QuotaExceededError,
    RateLimitError,
    RequestTooLargeError,
    ServerError,
    StreamError,
    TokenBudgetError,
    ToolLoopError,
    UnprocessableEntityError,
)
from mockapi_client.limiter import RateLimiter
from mockapi_client.request_queue import AsyncRequestQueue, RequestQueue
from mockapi_client.retry import RetryPolicy
from mockapi_client.tools import Tool, Toolbox, function_schema
from mockapi_client.usage import PriceTable, UsageTracker

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncRequestQueue",
    "AuthenticationError",
    "BadRequestError",
    "BreakerState",
    "CircuitBreaker",
    "CircuitOpenError",
    "Client",
    "ConflictError",
    "Conversation",
    "FineTuneFileError",
    "FinishReasonError",
    "MockapiClientError",
    "NotFoundError",
    "PermissionDeniedError",
    "PollTimeoutError",
    "PriceTable",
    "QueueFullError",
    "QueueTimeoutError",
    "QuotaExceededError",
    "RateLimitError",
    "RateLimiter",
    "RequestQueue",
    "RequestTooLargeError",
    "RetryPolicy",
    "ServerError",
    "StreamError",
    "TokenBudgetError",
    "Tool",
    "ToolLoopError",
    "Toolbox",
    "UnprocessableEntityError",
    "UsageTracker",
    "function_schema",
]
