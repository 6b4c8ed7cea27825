"""One module per resource family, like the official SDK; each has a sync class and an ``Async`` twin."""
