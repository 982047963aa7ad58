"""Pages as data (route, template, variables) and their rendering into both languages with Jinja2."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from publish.portal import csp, formatting
from publish.portal.context import Site
from publish.portal.glossary import ROUTE as GLOSSARY
from publish.portal.glossary import terms
from publish.portal.i18n import DEFAULT, LANGS, NAMES, pick, translator
from publish.portal.urls import Links, localized, page_file, slug, web_link

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Page:
    """One page of the portal, rendered once per language at localized(route, lang)."""

    route: str
    template: str
    title: dict | str
    vars: dict = field(default_factory=dict)
    crumbs: list = field(default_factory=list)  # [(label {id,en} or key, route)]; the page itself is implied
    section: str = ""  # the navigation route this page belongs to
    indexed: bool = True  # Pagefind indexes this page's <main> (all but the search page itself)
    description: dict | str = ""
    head: str | dict = ""  # extra, already-safe markup for <head> (JSON-LD); a {lang: markup} dict per language
    feed: str | None = None  # the Atom feed that belongs to this page


class Formatter:
    """formatting.* bound to one language and the portal's time zone, for templates."""

    def __init__(self, lang: str, tz: str | None):
        self.lang, self.tz = lang, tz

    def number(self, value, decimals: int = 0):
        return formatting.number(value, self.lang, decimals)

    def compact(self, value):
        return formatting.compact(value, self.lang)

    def money(self, value, exact: bool = False):
        return formatting.money(value, self.lang, exact)

    def short(self, value):
        return formatting.short(value, self.lang)

    def raw(self, value):
        return formatting.raw(value)

    def signed_money(self, value, exact: bool = False):
        return formatting.signed_money(value, self.lang, exact)

    def signed_short(self, value):
        return formatting.signed_short(value, self.lang)

    def percent(self, value, decimals: int = 1):
        return formatting.percent(value, self.lang, decimals)

    def signed_percent(self, value, decimals: int = 1):
        return formatting.signed_percent(value, self.lang, decimals)

    def ratio(self, part, whole, decimals: int = 1):
        return formatting.ratio(part, whole, self.lang, decimals)

    def size(self, value):
        return formatting.filesize(value, self.lang)

    def date(self, value):
        return formatting.date(value, self.lang, self.tz)

    def datetime(self, value):
        return formatting.datetime(value, self.lang, self.tz)

    def cell(self, value, spec):
        return formatting.cell(value, spec, self.lang)


def marked(lang: str):
    """tm(key, **values): a text in `lang` whose placeholders take markup (figures with their annotations) as it
    is and escape everything else, so a generated sentence can carry <data> elements."""
    text = translator(lang)

    def tm(key: str, **values) -> Markup:
        return Markup(escape(text(key))).format(**values)

    return tm


def external(url) -> bool:
    """A web address another site serves (a document on the JDIH, a licence): shown as a link, never fetched by
    the page itself. Only http(s) addresses become links, so a value such as javascript:... stays text."""
    return web_link(url) is not None and " " not in url  # as the catalogues judge it; a space is no address


# In a <script> element the HTML parser ends the element at "</script" and treats "<!--" and "<script" specially
# (an unclosed "<!--<script" swallows the end tag, and the page after it). JSON may write any character as a
# \u escape, so <, > and & never appear raw: the parsed JSON is the same, and no text can end or hide the element.
SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def script_json(doc) -> str:
    """JSON safe to embed in a <script> element (e.g. JSON-LD): <, > and & are written as \\u escapes."""
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False).translate(SCRIPT_ESCAPES)


def width_class(percent) -> str:
    """The stylesheet class drawing a bar `percent` wide (w-0 ... w-100, assets/style.css). The CSP allows no
    inline style, so a width is a class, to the nearest whole percent; the exact figure is printed beside it."""
    value = float(percent) if isinstance(percent, (int, float)) and percent == percent else 0.0
    return f"w-{math.floor(min(max(value, 0.0), 100.0) + 0.5)}"


class Renderer:
    """Renders Page objects for every language into {site path: text}; `nav` is the main navigation as
    (route, label key) pairs, only the sections the declarations give the portal."""

    def __init__(self, site: Site, nav: list[tuple[str, str]]):
        self.site, self.nav = site, nav
        # A missing value in a release document renders empty and is logged, rather than failing the build.
        undefined = jinja2.make_logging_undefined(log, jinja2.Undefined)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                      trim_blocks=True, lstrip_blocks=True, undefined=undefined)
        self.env.filters["slug"] = slug
        self.env.filters["tojson_script"] = script_json
        self.env.filters["width_class"] = width_class

    @cached_property
    def _common(self) -> dict:
        config = self.site.config
        return {"config": config, "sample": bool(config.get("sample")), "nav": self.nav, "names": NAMES,
                "glossary": terms(self.site), "glossary_route": GLOSSARY,
                "csp": Markup(csp.POLICY)}  # a constant without " & or <: its quotes need no escaping

    def render(self, page: Page) -> dict[str, str]:
        out = {}
        template = self.env.get_template(page.template)
        alternates = {lang: Links(page.route, lang, self.site.base_url).url() for lang in LANGS}
        vocabulary = self.site.vocabulary
        accounts = page.vars.get("accounts") or {}  # the names of the page's dataset's account codes
        for lang in LANGS:
            links = Links(page.route, lang, self.site.base_url)
            t = translator(lang)
            other = [x for x in LANGS if x != lang][0]
            values = {
                **self._common, **page.vars, "page": page, "lang": lang, "other": other, "L": links, "t": t,
                "fmt": Formatter(lang, self.site.config.get("timezone")), "tm": marked(lang), "external": external,
                "pick": (lambda value, _lang=lang: pick(value, _lang)),
                "topic_label": (lambda topic, _lang=lang: vocabulary.topic_label(topic, _lang)),
                "stage_label": (lambda stage, _lang=lang: vocabulary.stage_label(stage, _lang)),
                "account_name": (lambda code, _lang=lang: (accounts.get(str(code)) or {}).get(_lang)),
                "alternates": alternates, "default_lang": DEFAULT,
                "title": pick(page.title, lang) if isinstance(page.title, dict) else t(page.title),
                "description": pick(page.description, lang) if page.description else pick(
                    self.site.config.get("description"), lang),
            }
            out[page_file(localized(page.route, lang))] = template.render(values)
        return out
