"""Atom feeds: feed.xml for every release of every dataset, datasets/<id>/feed.xml for one dataset."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from publish.portal.context import ReleaseInfo, Site
from publish.portal.i18n import translator

LIMIT = 50
EPOCH = "1970-01-01T00:00:00Z"  # Atom needs <updated>; a feed with no entry has nothing newer


def _entry(site: Site, rel: ReleaseInfo, title: str) -> str:
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
    return (f"<entry><title>{escape(title)}</title><id>{escape(url)}</id>"
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(url)}/>"
            f"<published>{rel.released}</published><updated>{updated}</updated>"
            f"<summary>{escape(summary)}</summary></entry>")


def _feed(site: Site, path: str, title: str, page: str, releases: list[ReleaseInfo]) -> str:
    base = site.base_url
    titles = {d.id: d.declaration.title["id"] for d in site.datasets}
    entries = [_entry(site, r, f"{titles.get(r.dataset, r.dataset)} {r.version}") for r in releases[:LIMIT]]
    updated = max([r.released for r in releases] + [(r.withdrawn or {}).get("date") or EPOCH for r in releases],
                  default=EPOCH)
    sample = " (data contoh fiktif)" if site.config.get("sample") else ""
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"id\">\n"
            f"<title>{escape(title + sample)}</title>\n<id>{escape(base + path)}</id>\n"
            f"<link rel=\"self\" type=\"application/atom+xml\" href={quoteattr(base + path)}/>\n"
            f"<link rel=\"alternate\" type=\"text/html\" href={quoteattr(base + page)}/>\n"
            f"<updated>{updated}</updated>\n<author><name>{escape(site.config['publisher']['name'])}</name></author>\n"
            + "\n".join(entries) + "\n</feed>\n")


def files(site: Site) -> dict[str, str]:
    out = {"feed.xml": _feed(site, "feed.xml", site.config["title"]["id"], "", site.all_releases())}
    for d in site.datasets:
        path = d.route + "feed.xml"
        newest = sorted(d.releases, key=lambda r: r.released, reverse=True)
        out[path] = _feed(site, path, d.declaration.title["id"], d.route, newest)
    return out
