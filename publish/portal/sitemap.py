"""sitemap.xml (every page in both languages, with hreflang alternates) and robots.txt."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from publish.portal.context import Site
from publish.portal.i18n import LANGS
from publish.portal.urls import localized


def files(site: Site, routes: list[str]) -> dict[str, str]:
    base = site.base_url
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for route in sorted(set(routes)):
        alternates = "".join(
            f'<xhtml:link rel="alternate" hreflang="{lang}" href={quoteattr(base + localized(route, lang))}/>'
            for lang in LANGS)
        for lang in LANGS:
            lines.append(f"<url><loc>{escape(base + localized(route, lang))}</loc>{alternates}</url>")
    lines.append("</urlset>")
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
    return {"sitemap.xml": "\n".join(lines) + "\n", "robots.txt": robots}
