"""Internal link check of a built site: every relative href/src must name a file that exists."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def broken_links(site: Path) -> list[tuple[str, str]]:
    """(page, link) pairs whose relative target is missing; other hosts and fragments are not followed."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        if "pagefind" in page.parts:
            continue
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//") or not parts.path:
                continue
            target = (page.parent / unquote(parts.path)) if not parts.path.startswith("/") else site / unquote(parts.path).lstrip("/")
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append((str(page.relative_to(site)), ref))
    return broken
