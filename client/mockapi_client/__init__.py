"""Reference OpenAI client on httpx (filled in by the reference-client issue)."""
