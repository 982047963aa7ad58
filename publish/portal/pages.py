"""The portal's core pages: home, catalogue with pre-rendered filters, dataset pages and one page per release."""

from __future__ import annotations

from publish.portal import checks, citation, ckan, data, glossary, jdih, regulations, schemaorg
from publish.portal.context import FISCAL, DatasetInfo, Site
from publish.portal.i18n import LANGS, both
from publish.portal.render import Page
from publish.portal.urls import slug
from publish.portal.views import REGULATIONS, View

PREVIEW_ROWS = 20
RECENT = 8


def news(rel) -> dict:
    """A release for the 'what is new' list: the slices (year, stage) its own source file published."""
    source = (rel.provenance.get("source") or {}).get("sha256")
    slices = [s["slice"] for s in rel.provenance.get("slices") or []
              if s.get("slice") and source and (s.get("source") or {}).get("sha256") == source]
    return {"rel": rel, "slices": slices}


def home(site: Site, budget: View | None, budget_figures: dict | None, words: dict) -> Page:
    """The home page; its key budget figures come from the first dataset declaring the budget view, if any."""
    titles = {d.id: d.declaration.title for d in site.datasets}
    return Page("", "home.html", "home",
                {"budget_view": budget, "budget": budget_figures,
                 "recent": [news(r) for r in site.all_releases()[:RECENT]], "titles": titles,
                 "datasets": site.datasets, **words}, section="", indexed=True)


def _facets(site: Site) -> list[dict]:
    datasets = site.datasets

    def option(route, label, match):
        return {"route": route, "label": label, "count": len(match), "match": match}

    topics = sorted({d.topic for d in datasets})
    years = sorted({y for d in datasets for y in d.years}, reverse=True)
    orgs = sorted({o for d in datasets for o in d.organisations})
    formats = sorted({f for d in datasets for f in d.formats})
    return [
        {"key": "topic", "options": [option(f"katalog/topik/{slug(x)}/",
                                            {lang: site.vocabulary.topic_label(x, lang) for lang in LANGS},
                                            [d for d in datasets if d.topic == x]) for x in topics]},
        {"key": "year", "options": [option(f"katalog/tahun/{y}/", {"id": str(y), "en": str(y)},
                                           [d for d in datasets if y in d.years]) for y in years]},
        {"key": "organisation", "options": [option(f"katalog/organisasi/{slug(o)}/", {"id": o, "en": o},
                                                   [d for d in datasets if o in d.organisations]) for o in orgs]},
        {"key": "format", "options": [option(f"katalog/format/{f}/", {"id": f.upper(), "en": f.upper()},
                                             [d for d in datasets if f in d.formats]) for f in formats]},
    ]


def catalog(site: Site) -> list[Page]:
    facets = _facets(site)
    out = [Page("katalog/", "catalog.html", "catalog",
                {"facets": facets, "active": None, "matches": site.datasets}, section="katalog/")]
    for facet in facets:
        for opt in facet["options"]:
            title = {lang: f"{both('catalog')[lang]}: {opt['label'][lang]}" for lang in ("id", "en")}
            out.append(Page(opt["route"], "catalog.html", title,
                            {"facets": facets, "active": {"key": facet["key"], "label": opt["label"]},
                             "matches": opt["match"]}, crumbs=[("catalog", "katalog/")], section="katalog/"))
    return out


def _links(site: Site, d: DatasetInfo, views: list[View]) -> tuple[dict[str, str], set]:
    """Preview columns that point at another page (references into a regulation register, by its id): column ->
    the register's route, and the ids that have a page there."""
    links, known = {}, set()
    for fk in d.declaration.foreign_keys:
        target = fk["reference"].get("resource") or d.id
        for view in views:
            if view.kind is REGULATIONS and view.dataset.id == target \
                    and fk["reference"].get("fields") == [view.columns["id"]]:
                for name in fk["fields"]:
                    links[name] = view.route
                known |= {r["id"] for r in regulations.register(site, view)}
    return links, known


def dataset(site: Site, d: DatasetInfo, views: list[View]) -> Page:
    rel = d.latest
    rows = data.preview(rel.folder / "data.parquet", PREVIEW_ROWS) if rel else []
    head = schemaorg.head(site, d)  # {lang: JSON-LD}: each page carries it in its own language
    links, known = _links(site, d, views)
    shown_as = [{"route": v.route, "label": v.kind.nav} for v in views if v.dataset is d]
    return Page(d.route, "dataset.html", d.declaration.title,
                {"d": d, "preview": {"rows": rows, "links": links, "known": known}, "accounts": d.accounts,
                 "shown_as": shown_as, **_version_vars(site, d, rel)},
                crumbs=[("catalog", "katalog/")], section="katalog/",
                description=d.declaration.description, head=head, feed=d.route + "feed.xml")


def _version_vars(site: Site, d: DatasetInfo, rel) -> dict:
    """What a page about one version shows besides its files: the checks per slice and the citations."""
    if rel is None:
        return {"slices": [], "cite": {}}
    return {"slices": checks.slices(site, d, rel),
            "cite": {lang: citation.blocks(site, d, rel, lang) for lang in LANGS}}


def release(site: Site, d: DatasetInfo, rel) -> Page:
    title = {lang: both("release_of", version=rel.version, title=d.declaration.title[lang])[lang]
             for lang in ("id", "en")}
    if rel.withdrawn:
        title = {lang: f"{title[lang]} ({both('withdrawn')[lang]})" for lang in title}
    return Page(rel.route, "release.html", title,
                {"d": d, "rel": rel, "accounts": d.accounts, **_version_vars(site, d, rel)},
                crumbs=[("catalog", "katalog/"), (d.declaration.title, d.route)], section="katalog/",
                description=d.declaration.description, feed=d.route + "feed.xml", head=schemaorg.head(site, d, rel))


def search(site: Site, views: list[View]) -> Page:
    registers = [v for v in views if v.kind is REGULATIONS]
    return Page("cari/", "search.html", "search_title",
                {"datasets": site.datasets, "register": registers[0] if registers else None}, section="cari/",
                indexed=False)


def glossary_page(site: Site) -> Page:
    return Page(glossary.ROUTE, "glossary.html", "glossary_title", {"terms": glossary.terms(site)},
                section=glossary.ROUTE, indexed=True, description=both("glossary_intro"))


def developers(site: Site) -> Page:
    fiscal = [d for d in site.published if d.latest and any(f.name in FISCAL for f in d.latest.files)]
    return Page("pengembang/", "developers.html", "dev_title",
                {"datasets": site.published, "ckan_prefix": ckan.prefix(site), "jdih": jdih.register(site) is not None,
                 "fiscal": fiscal})
