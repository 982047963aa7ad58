"""sitemap.xml (every page in both languages, with hreflang alternates) and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from publish.portal.context import Site
from publish.portal.i18n import LANGS
from publish.portal.urls import absolute, localized
from publish.portal.xmldoc import document

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"  # hreflang alternates, under the prefix sitemap readers expect


def files(site: Site, routes: list[str]) -> dict[str, str]:
    base = site.base_url
    urlset = ET.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML})
    for route in sorted(set(routes)):
        for lang in LANGS:
            url = ET.SubElement(urlset, "url")
            ET.SubElement(url, "loc").text = absolute(base, localized(route, lang))
            for alternate in LANGS:
                ET.SubElement(url, "xhtml:link", rel="alternate", hreflang=alternate,
                              href=absolute(base, localized(route, alternate)))
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
    return {"sitemap.xml": document(urlset), "robots.txt": robots}
