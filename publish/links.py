"""Internal link check of a built site: every relative href, src and action names a file inside the site, and
every #fragment an id on the page it points at. The portal's `verify` check and the tests use this one."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINKING = ("href", "src", "action")


class Outline(HTMLParser):
    """What a page refers to, as (tag, attribute, value), and the ids it defines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in LINKING and value is not None:
                self.refs.append((tag, name, value))
            elif name == "id" and value is not None:
                self.ids.append(value)


def outline(path: Path, parser: type[Outline] = Outline) -> Outline:
    """Parse one page with `parser` (an Outline, or a subclass that collects more)."""
    page = parser()
    page.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
    page.close()
    return page


def broken_links(site: Path) -> list[tuple[str, str]]:
    """(page, link) pairs whose target is missing. Other hosts (a scheme or //) are not followed; a link from the
    site root ("/x") counts as broken, since the portal must work from any folder of any host; a #fragment must
    be an id of its target page (or of the page itself)."""
    site = Path(site)
    root = site.resolve()
    ids: dict[Path, set[str]] = {}

    def known_ids(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = set(outline(page).ids)
        return ids[page]

    broken = []
    for page in sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts):
        where = page.relative_to(site).as_posix()
        for _, _, ref in outline(page).refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            if parts.path.startswith("/"):
                broken.append((where, ref))
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(root):
                broken.append((where, ref))
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in known_ids(target):
                broken.append((where, ref))
    return broken
