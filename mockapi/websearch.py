"""Web search without the web: the pages a search finds and how an answer cites them (Responses ``web_search``
tool, chat search models).

The fake has no internet, so a search finds the pages a script gives or one made-up page about the query. Real
answers cite a page with an inline markdown link in parentheses, ``([host](url))``, and a ``url_citation``
annotation over those characters (OpenAI's web search guide); the default answer does the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlsplit


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    text: str


def pages_for(query: str, given: list[dict[str, Any]] | None) -> list[Page]:
    """The script's pages (``[{"url", "title", "text"}]``), or one made-up page about ``query``."""
    found = [
        Page(str(page["url"]), str(page.get("title") or page["url"]), str(page.get("text") or ""))
        for page in given or []
        if isinstance(page, dict) and page.get("url")
    ]
    return found or [Page(f"https://example.com/search?q={quote_plus(query)}", f"Search results for {query}",
                          f"A page about {query}.")]  # fmt: skip


def cite(text: str, pages: list[Page]) -> tuple[str, list[tuple[int, int, Page]]]:
    """``text`` with a ``([host](url))`` link per distinct page appended, and each link's (start, end, page)."""
    spans: list[tuple[int, int, Page]] = []
    seen: set[str] = set()
    for page in pages:
        if page.url in seen:
            continue
        seen.add(page.url)
        link = f" ([{urlsplit(page.url).hostname or page.url}]({page.url}))"
        spans.append((len(text) + 1, len(text) + len(link), page))
        text += link
    return text, spans
