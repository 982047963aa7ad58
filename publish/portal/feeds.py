"""Atom feeds: feed.xml for every release of every dataset, datasets/<id>/feed.xml for one dataset."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from publish.portal.context import ReleaseInfo, Site
from publish.portal.i18n import translator
from publish.portal.xmldoc import document

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
EPOCH = "1970-01-01T00:00:00Z"  # Atom needs <updated>; a feed with no entry has nothing newer


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _entry(feed: ET.Element, site: Site, rel: ReleaseInfo, title: str) -> None:
    t = translator("id")
    url = site.base_url + rel.route
    e = rel.entry
    summary = f"{t('change_' + e['change'])}; " + t("diff_summary", added=e["diff"]["added"],
                                                   removed=e["diff"]["removed"], changed=e["diff"]["changed"])
    updated = rel.released
    if rel.withdrawn:
        title += f" ({t('withdrawn')})"
        summary = t("tombstone") + ": " + rel.withdrawn.get("reason", "")
        updated = max(updated, rel.withdrawn.get("date") or updated)
    entry = _add(feed, "entry")
    _add(entry, "title", title)
    _add(entry, "id", url)
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    _add(entry, "published", rel.released)
    _add(entry, "updated", updated)
    _add(entry, "summary", summary)


def _feed(site: Site, path: str, title: str, page: str, releases: list[ReleaseInfo]) -> str:
    base = site.base_url
    titles = {d.id: d.declaration.title["id"] for d in site.datasets}
    updated = max([r.released for r in releases] + [(r.withdrawn or {}).get("date") or EPOCH for r in releases],
                  default=EPOCH)
    sample = " (data contoh fiktif)" if site.config.get("sample") else ""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "id"})
    _add(feed, "title", title + sample)
    _add(feed, "id", base + path)
    _add(feed, "link", rel="self", type="application/atom+xml", href=base + path)
    _add(feed, "link", rel="alternate", type="text/html", href=base + page)
    _add(feed, "updated", updated)
    _add(_add(feed, "author"), "name", site.config["publisher"]["name"])
    for r in releases[:LIMIT]:
        _entry(feed, site, r, f"{titles.get(r.dataset, r.dataset)} {r.version}")
    return document(feed)


def files(site: Site) -> dict[str, str]:
    out = {"feed.xml": _feed(site, "feed.xml", site.config["title"]["id"], "", site.all_releases())}
    for d in site.datasets:
        path = d.route + "feed.xml"
        newest = sorted(d.releases, key=lambda r: r.released, reverse=True)
        out[path] = _feed(site, path, d.declaration.title["id"], d.route, newest)
    return out
