"""A static, read-only CKAN API (action API v3) that CKAN harvesters such as the national Satu Data portal read.

A static host ignores query strings, so `package_show?id=<id>` lives at the path
`api/3/action/package_show/<id>` (and `<id>.json`); `package_list`, `package_search` and
`current_package_list_with_resources` are single files (with `.json` copies) listing every published dataset."""

from __future__ import annotations

import json

from publish.portal.context import DatasetInfo, Site
from publish.portal.i18n import topic_label

API = "api/3/action/"


def _time(stamp: str) -> str:
    """CKAN writes naive UTC timestamps."""
    return stamp.replace("Z", "").replace("+00:00", "")


def package(site: Site, d: DatasetInfo) -> dict:
    base, config = site.base_url, site.config
    rel = d.latest
    decl = d.declaration
    org_name = config["publisher"]["name"]
    notes = decl.description["id"] + ("\n\n(Data contoh fiktif.)" if config.get("sample") else "")
    resources = [{
        "id": f"{d.id}-{rel.version}-{f.name}", "package_id": d.id, "name": f.name,
        "description": f.title or f.name, "format": f.format.upper(), "mimetype": f.mediatype,
        "url": base + f.path, "size": f.bytes, "hash": "sha256:" + f.sha256,
        "created": _time(rel.released), "last_modified": _time(rel.released), "position": i,
        "state": "active", "url_type": None, "resource_type": "file",
    } for i, f in enumerate(rel.downloads)]
    keywords = decl.descriptor.get("keywords") or []
    return {
        "id": d.id, "name": d.id, "title": decl.title["id"], "notes": notes, "type": "dataset",
        "state": "active", "private": False, "isopen": True, "version": rel.version,
        "url": base + d.route, "license_id": d.licence.get("name", ""), "license_title": d.licence.get("title", ""),
        "license_url": d.licence.get("path", ""), "author": ", ".join(d.organisations),
        "maintainer": org_name, "maintainer_email": config["publisher"].get("email", ""),
        "metadata_created": _time(d.releases[0].released), "metadata_modified": _time(rel.released),
        "organization": {"id": "publisher", "name": "publisher", "title": org_name, "type": "organization",
                         "is_organization": True, "state": "active", "description": ""},
        "groups": [{"name": d.topic, "title": topic_label(d.topic, "id"), "display_name": topic_label(d.topic, "id")}],
        "tags": [{"name": k, "display_name": k, "state": "active"} for k in keywords],
        "num_tags": len(keywords), "resources": resources, "num_resources": len(resources),
        "extras": [{"key": "title_en", "value": decl.title["en"]},
                   {"key": "notes_en", "value": decl.description["en"]},
                   {"key": "datapackage", "value": f"{base}{rel.route}datapackage.json"},
                   {"key": "releases", "value": f"{base}{d.route}releases.json"},
                   {"key": "sample", "value": "true" if config.get("sample") else "false"}],
        "relationships_as_object": [], "relationships_as_subject": [],
    }


def _answer(site: Site, action: str, result) -> str:
    doc = {"help": f"{site.base_url}pengembang/", "success": True, "result": result}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def files(site: Site) -> dict[str, str]:
    published = [d for d in site.published if d.latest]
    packages = [package(site, d) for d in published]
    out = {}
    lists = {
        "package_list": [d.id for d in published],
        "current_package_list_with_resources": packages,
        "package_search": {"count": len(packages), "sort": "metadata_modified desc", "results": packages,
                           "facets": {}, "search_facets": {}},
    }
    for action, result in lists.items():
        text = _answer(site, action, result)
        out[API + action] = text
        out[API + action + ".json"] = text
    for pkg in packages:
        text = _answer(site, "package_show", pkg)
        out[f"{API}package_show/{pkg['name']}"] = text
        out[f"{API}package_show/{pkg['name']}.json"] = text
    return out
