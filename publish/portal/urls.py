"""Where things live: routes per language, links relative to the page, absolute URLs from baseUrl."""

from __future__ import annotations

import posixpath
import re
import unicodedata

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
    return href + "/" if (target == "" or target.endswith("/")) else href


def absolute(base_url: str, target: str) -> str:
    return base_url + target


def slug(text: str) -> str:
    """A URL-safe, lower-case slug: 'Peraturan Bupati' -> 'peraturan-bupati'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", plain.lower()).strip("-") or "x"


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
