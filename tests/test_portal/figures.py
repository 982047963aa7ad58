"""Every figure a page shows, read back with what it measures, and recomputed from the published Parquet with DuckDB.

The portal writes each money figure, percentage and count as <data value="..." data-m="measure"> (a reporting
date as <time data-m="posisi">) inside elements whose data-q attributes name its scope: the dataset and version
(ds, v), filters on the data's columns (tahun=2025, kode_skpd=...), an account-code prefix (rek=5.1), or a group or
account of the dataset's declared totals (grp.skpd=..., account=5); an inner data-q overrides an outer one and
`key=*` removes a key. A measure comparing two scopes (share, change, delta) names the other in data-base, as
overrides of its own scope. This module does not use the portal's aggregation code: it recomputes each figure
with its own SQL over the version's data.parquet, following only the declaration (the lines summed, the group and
account expressions)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import duckdb

MONEY = {"planned", "realised", "planned_reported", "delta"}
PERCENT = {"rate", "rate_all", "cover", "share", "change", "avg_achievement", "achievement"}
COUNTS = {"lines", "reported", "undated", "indicators", "met"}
VALUES = {"target", "realisasi"}
CONTAINERS = ("tr", "li", "figcaption", "p", "dd")


@dataclass
class Node:
    tag: str
    attrs: dict
    parent: Node | None = None
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def walk(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.walk()


class _Tree(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def tree(path: Path) -> Node:
    parser = _Tree()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.root


def _pairs(text: str) -> dict:
    out = {}
    for part in (text or "").split(";"):
        if part.strip():
            key, _, value = part.partition("=")
            out[key.strip()] = value
    return out


def scope_of(node: Node) -> dict:
    """The merged data-q of a node and its ancestors, inner keys overriding outer ones."""
    chain = [node, *node.ancestors()]
    scope: dict = {}
    for n in reversed(chain):
        scope.update(_pairs(n.attrs.get("data-q", "")))
    return {k: v for k, v in scope.items() if v != "*"}


def with_base(scope: dict, base: str) -> dict:
    merged = {**scope, **_pairs(base)}
    return {k: v for k, v in merged.items() if v != "*"}


@dataclass
class Figure:
    node: Node
    measure: str
    scope: dict
    lang: str

    @property
    def value(self) -> str:
        return self.node.attrs.get("value") or self.node.attrs.get("datetime") or ""

    @property
    def base(self) -> dict | None:
        b = self.node.attrs.get("data-base")
        return with_base(self.scope, b) if b is not None else None

    def spans(self) -> dict:
        """The text of each form shown: 'wide' and 'narrow' for a table cell, 'text' otherwise."""
        parts = {c.classes().intersection({"wide", "narrow"}).pop(): _norm(c.text())
                 for c in self.node.children if isinstance(c, Node) and c.classes() & {"wide", "narrow"}}
        return parts or {"text": _norm(self.node.text())}

    def container(self) -> Node | None:
        for a in self.node.ancestors():
            if a.tag == "li" and "card" in a.classes() or a.tag in ("tr", "figcaption"):
                return a
        for a in self.node.ancestors():
            if a.tag in CONTAINERS:
                return a
        return None


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def figures(root: Node) -> list[Figure]:
    """The annotated figures in `root` (a page, or any element of one)."""
    html = next((n for n in [root, *root.ancestors(), *root.walk()] if n.tag == "html"), None)
    lang = html.attrs.get("lang", "id") if html else "id"
    return [Figure(n, n.attrs["data-m"], scope_of(n), lang) for n in root.walk()
            if n.tag in ("data", "time") and "data-m" in n.attrs]


def unannotated(root: Node) -> list[str]:
    """Money and percentages in the page's <main> that are not inside an annotated figure or a marked constant."""
    main = next((n for n in root.walk() if n.tag == "main"), None)
    if main is None:
        return []

    def text(node: Node) -> str:
        if node.tag in ("data", "time") and "data-m" in node.attrs or "data-const" in node.attrs:
            return " "
        if node.tag in ("script", "style", "code", "pre"):
            return " "
        return "".join(c if isinstance(c, str) else text(c) for c in node.children)

    plain = _norm(text(main))
    pattern = (r"(?:Rp|IDR)\s?[−+-]?\d[\d.,]*|\d[\d.,]*\s?%"
               r"|\d[\d.,]*\s?(?:miliar|juta|triliun|billion|million|trillion)\b")
    return re.findall(pattern, plain)


class Recompute:
    """Figures of published versions, computed from their Parquet files with DuckDB."""

    def __init__(self, site: Path, declarations: dict):
        self.site, self.declarations = site, declarations
        self.con = duckdb.connect()
        self.views: set = set()

    def _table(self, ds: str, v: str) -> str:
        name = f"t_{re.sub(r'[^0-9a-z]', '_', (ds + '_' + v).lower())}"
        if name not in self.views:
            path = self.site / "datasets" / ds / v / "data.parquet"
            self.con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
            self.views.add(name)
        return name

    def _where(self, ds: str, scope: dict) -> tuple[str, list]:
        decl = self.declarations[ds].descriptor
        totals = decl.get("terbuka:totals") or {}
        clauses, params = [], []
        if totals.get("where"):
            clauses.append(f"({totals['where']})")
        for key, value in scope.items():
            if key in ("ds", "v"):
                continue
            if key == "rek":
                clauses.append("(kode_rekening = ? OR starts_with(kode_rekening, ? || '.'))")
                params += [value, value]
            elif key.startswith("grp."):
                expr = totals["groups"][key[4:]]
                clauses.append(f"(({expr}) IS NOT DISTINCT FROM ?)")
                params.append(value or None)
            elif key == "account":
                clauses.append(f"(({totals['account']}) = ?)")
                params.append(value)
            elif value == "":
                clauses.append(f'"{key}" IS NULL')
            else:
                clauses.append(f'CAST("{key}" AS VARCHAR) = ?')
                params.append(value)
        return " AND ".join(clauses) or "TRUE", params

    def row(self, scope: dict) -> dict:
        ds, v = scope["ds"], scope["v"]
        table = self._table(ds, v)
        where, params = self._where(ds, scope)
        totals = self.declarations[ds].descriptor.get("terbuka:totals")
        if totals:
            measure = totals["measure"]
            sql = (f'SELECT sum("{measure}") AS planned, sum(realisasi) AS realised, count(*) AS lines, '
                   f"count(realisasi) AS reported, sum(\"{measure}\") FILTER (WHERE realisasi IS NOT NULL) AS pr, "
                   "count(*) FILTER (WHERE realisasi IS NOT NULL AND posisi_realisasi IS NULL) AS undated, "
                   "list(DISTINCT posisi_realisasi) FILTER (WHERE realisasi IS NOT NULL) AS dates "
                   f"FROM {table} WHERE {where}")
        else:
            achievement = "coalesce(capaian, realisasi / nullif(target, 0) * 100)"
            sql = (f"SELECT count(*) AS indicators, count(*) FILTER (WHERE {achievement} >= 100) AS met, "
                   f"avg({achievement}) AS avg_achievement, any_value({achievement}) AS achievement, "
                   f"any_value(target) AS target, any_value(realisasi) AS realisasi FROM {table} WHERE {where}")
        cur = self.con.execute(sql, params)
        names = [d[0] for d in cur.description]
        return dict(zip(names, cur.fetchone()))

    def measure(self, fig: Figure):
        """The figure's value as the data gives it (None: the data has no such figure)."""
        r = self.row(fig.scope)
        m = fig.measure
        if m in ("planned", "lines", "reported", "undated", "indicators", "met", "avg_achievement", "target",
                 "realisasi", "achievement"):
            if m in ("target", "realisasi", "achievement"):
                assert r["indicators"] == 1, (fig.scope, "one indicator expected")
            return r[m]
        if m == "realised":
            return r["realised"] if r["reported"] else None
        if m == "planned_reported":
            return r["pr"]
        if m == "rate":
            return r["realised"] / r["pr"] * 100 if r["reported"] and r["pr"] else None
        if m == "rate_all":
            return r["realised"] / r["planned"] * 100 if r["reported"] and r["planned"] else None
        if m == "cover":
            return (r["pr"] or 0) / r["planned"] * 100 if r["planned"] else None
        if m == "posisi":
            return sorted(d for d in r["dates"] or [] if d is not None)
        base = self.row(fig.base) if fig.base is not None else None
        if m == "share":
            return r["planned"] / base["planned"] * 100
        if m == "change":
            return (r["planned"] - base["planned"]) / base["planned"] * 100
        if m == "delta":
            return r["planned"] - base["planned"]
        raise AssertionError(f"unknown measure {m}")


def expected_text(fig: Figure, value, form: str) -> str:
    from publish.portal import formatting as f

    lang, m = fig.lang, fig.measure
    if m in MONEY:
        if form == "wide":
            return f.signed_money(value, lang, True) if m == "delta" else f.money(value, lang, True)
        if form == "narrow":
            return f.signed_short(value, lang) if m == "delta" else f.short(value, lang)
        return f.signed_money(value, lang) if m == "delta" else f.money(value, lang)
    if m in PERCENT:
        return f.signed_percent(value, lang) if m == "change" else f.percent(value, lang)
    if m in COUNTS:
        return f.number(value, lang)
    if m in VALUES:
        return f.number(value, lang, 2)
    if m == "posisi":
        return f.date(value, lang)
    raise AssertionError(m)


def as_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
