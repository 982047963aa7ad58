"""Where things live: routes per language, links relative to the page, absolute URLs from baseUrl."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import quote, urlsplit

from publish.portal.i18n import DEFAULT

# Release files live once, at the site root; only pages have an English copy under en/.
EN_PREFIX = "en/"


def localized(route: str, lang: str) -> str:
    """The route of a page ("datasets/apbd/") in a language: Indonesian at the root, English under en/."""
    return route if lang == DEFAULT else EN_PREFIX + route


def page_file(route: str) -> str:
    """The file behind a route: directories hold index.html."""
    return route + "index.html" if route == "" or route.endswith("/") else route


def relative(from_route: str, target: str) -> str:
    """The shortest link from the page at `from_route` to a site-root path (no leading slash); folders keep
    their trailing slash, so the site works from any host and any folder."""
    here = posixpath.dirname(page_file(from_route)) or "."
    href = posixpath.relpath(target or ".", here)
    if href == ".":
        return "./"
    return escape_path(href + "/" if (target == "" or target.endswith("/")) else href)


def escape_path(path: str) -> str:
    """A path as a URL path: routes carry values from the data (a regulation's id), and a raw ':' in the first
    segment would make "javascript:alert(1)" a scheme, a '?' or '#' would cut the path short. Percent-encoded,
    each stays part of the path; the characters routes normally hold (letters, digits, - . _ ~ /) are unchanged."""
    return quote(path, safe="/")


def absolute(base_url: str, target: str) -> str:
    return base_url + escape_path(target)


def placeable(route: str) -> bool:
    """True when a route names a file inside the site: a value from the data that is "." or ".." (or holds a
    backslash or NUL) would otherwise put a page over another one, or outside the site folder."""
    parts = route.split("/")
    return not route.startswith("/") and "\\" not in route and "\0" not in route \
        and not any(p in (".", "..") for p in parts) and "" not in parts[:-1]


def web_link(url) -> str | None:
    """`url` when it is an http(s) address, else None: a URL from the data (a regulation's url_dokumen) is made a
    link only then, so "javascript:..." or "data:..." never becomes one."""
    text = str(url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def slug(text: str) -> str:
    """A URL-safe, lower-case slug: 'Peraturan Bupati' -> 'peraturan-bupati'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9.]+", "-", plain.lower()).strip("-")
    return out if out.strip(".") else "x"  # "." or ".." would name the folder itself or its parent


class Links:
    """Link helpers for one rendered page (route and language), handed to templates."""

    def __init__(self, route: str, lang: str, base_url: str):
        self.route, self.lang, self.base_url = route, lang, base_url
        self.here = localized(route, lang)

    def page(self, route: str, lang: str | None = None) -> str:
        """A page in this page's language (or `lang`)."""
        return relative(self.here, localized(route, lang or self.lang))

    def file(self, path: str) -> str:
        """A file at the site root (release data, catalogs, CSS)."""
        return relative(self.here, path)

    def url(self, route: str | None = None, lang: str | None = None) -> str:
        """The absolute URL of a page (this one by default)."""
        return absolute(self.base_url, localized(self.route if route is None else route, lang or self.lang))

    def file_url(self, path: str) -> str:
        return absolute(self.base_url, path)
