"""Webhooks: endpoints, signed deliveries with retries, and the events long-running work emits."""
