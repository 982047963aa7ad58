"""How to cite one version: plain text, BibTeX, RIS and CSL-JSON, from the same record.

The author is the organisation that produces the data (the dataset's declared `creator`), the publisher is the
portal's publisher; the URL is the version's permanent address, never the moving `latest`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from publish.portal.context import DatasetInfo, ReleaseInfo, Site
from publish.portal.i18n import LANGS

SAMPLE = {"id": "data contoh fiktif", "en": "fictional sample data"}
VERSION = {"id": "Versi", "en": "Version"}
DATASET = {"id": "Dataset", "en": "Dataset"}
LICENCE = {"id": "Lisensi", "en": "Licence"}


@dataclass(frozen=True)
class Record:
    """What every citation format says about one version."""

    key: str
    authors: tuple[str, ...]
    title: dict
    version: str
    issued: str  # ISO date of the release
    publisher: str
    url: str
    licence: str
    sample: bool

    @property
    def year(self) -> str:
        return self.issued[:4]


def record(site: Site, d: DatasetInfo, rel: ReleaseInfo) -> Record:
    publisher = site.config["publisher"]["name"]
    lic = d.licence
    return Record(key=f"{d.id}_{rel.version.replace('.', '_')}", authors=tuple(d.producers) or (publisher,),
                  title=d.declaration.title, version=rel.version, issued=rel.released[:10], publisher=publisher,
                  url=f"{site.base_url}{rel.route}", licence=lic.get("title") or lic.get("name") or "",
                  sample=bool(site.config.get("sample")))


def plain(r: Record, lang: str) -> str:
    """'Producer (2025). Title (Version 1.2.0) [Dataset]. Publisher. URL'"""
    note = f"; {SAMPLE[lang]}" if r.sample else ""
    return (f"{'; '.join(r.authors)} ({r.year}). {r.title[lang]} ({VERSION[lang]} {r.version}) "
            f"[{DATASET[lang]}{note}]. {r.publisher}. {r.url}")


def _bib(text: str) -> str:
    """A BibTeX value in braces: its special characters escaped, organisation names kept whole."""
    escaped = re.sub(r"([&%$#_{}])", r"\\\1", text)
    return escaped.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def bibtex(r: Record, lang: str) -> str:
    fields = [("author", " and ".join("{" + _bib(a) + "}" for a in r.authors)),
              ("title", "{" + _bib(r.title[lang]) + "}"), ("version", _bib(r.version)), ("year", r.year),
              ("date", r.issued), ("publisher", _bib(r.publisher)), ("url", r.url),
              ("note", _bib(f"{LICENCE[lang]}: {r.licence}" + (f"; {SAMPLE[lang]}" if r.sample else "")))]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
    return f"@misc{{{r.key},\n{body}\n}}\n"


def ris(r: Record, lang: str) -> str:
    lines = [("TY", "DATA")] + [("AU", a) for a in r.authors] + [
        ("TI", r.title[lang]), ("ET", r.version), ("PY", r.year), ("DA", r.issued.replace("-", "/")),
        ("PB", r.publisher), ("UR", r.url), ("N1", f"{LICENCE[lang]}: {r.licence}"
                                                    + (f"; {SAMPLE[lang]}" if r.sample else "")), ("ER", "")]
    return "".join(f"{tag}  - {value}".rstrip() + "\r\n" for tag, value in lines)


def csl(r: Record, lang: str) -> str:
    year, month, day = (int(x) for x in r.issued.split("-"))
    item = {"id": r.key, "type": "dataset", "title": r.title[lang], "version": r.version,
            "author": [{"literal": a} for a in r.authors], "publisher": r.publisher, "URL": r.url,
            "issued": {"date-parts": [[year, month, day]]}, "language": lang,
            "note": f"{LICENCE[lang]}: {r.licence}" + (f"; {SAMPLE[lang]}" if r.sample else "")}
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


FORMATS = [("plain", "txt", "text/plain"), ("bibtex", "bib", "application/x-bibtex"),
           ("ris", "ris", "application/x-research-info-systems"),
           ("csl", "json", "application/vnd.citationstyles.csl+json")]


FOLDER = "cite"  # cite/<lang>/<dataset>/<version>/<key>.<ext>: each citation as a file to save


def blocks(site: Site, d: DatasetInfo, rel: ReleaseInfo, lang: str) -> list[dict]:
    """The four citations of a version in `lang`, each with the site path of its file (a reference manager
    imports the file; a data: address would do without it, but the portal's policy allows no data: links)."""
    r = record(site, d, rel)
    texts = {"plain": plain(r, lang) + "\n", "bibtex": bibtex(r, lang), "ris": ris(r, lang), "csl": csl(r, lang)}
    return [{"format": name, "text": texts[name], "file": f"{r.key}.{ext}",
             "path": f"{FOLDER}/{lang}/{d.id}/{rel.version}/{r.key}.{ext}"}
            for name, ext, _ in FORMATS]


def files(site: Site) -> dict[str, bytes]:
    """Every version's citation files, in both languages."""
    return {b["path"]: b["text"].encode("utf-8") for d in site.datasets for rel in d.releases for lang in LANGS
            for b in blocks(site, d, rel, lang)}
