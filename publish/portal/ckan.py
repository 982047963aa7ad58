"""A static, read-only CKAN action API (v3) that a national CKAN harvester can read without mixing regions up.

Every id is a UUIDv5 of a URL of this portal (its base URL plus the dataset, file, organisation or topic),
so ids are stable across builds and no two portals share one. Dataset names carry a prefix declared per
workspace (terbuka.json "ckan": {"prefix": ..., "organization": ...}), by default the region code.

A static host ignores query strings, so each answer is a file (see README, "Static CKAN API"):
  api/3/action/<action> and <action>.json           calls without arguments (package_list, group_list, ...)
  api/3/action/<action>/<id or name>.json          calls with ?id= (package_show, organization_show, group_show)
  api/3/action/package_search-start-<n>.json       result pages of PAGE datasets, n = 0, PAGE, 2*PAGE, ...
  api/3/action/package_search-empty.json           the answer for an offset past the last page
`candidates` maps a request (path and query) to those files; `terbuka serve` uses it, and a web server
needs the same rule (the README gives one for nginx)."""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import parse_qs

from publish.portal.context import DatasetInfo, ReleaseInfo, Site
from publish.portal.urls import slug

API = "api/3/action/"
PAGE = 100  # the page size ckanext-harvest asks for (rows=100)
ID_ACTIONS = ("package_show", "organization_show", "group_show")
# Frictionless/SPDX licence names -> ids of CKAN's default licence register (ckan/model/license.py).
LICENCES = {"cc-by": "cc-by", "cc-by-sa": "cc-by-sa", "cc0": "cc-zero", "odc-by": "odc-by", "odbl": "odc-odbl",
            "odc-odbl": "odc-odbl", "pddl": "odc-pddl", "odc-pddl": "odc-pddl", "ogl-uk": "uk-ogl",
            "cc-by-nc": "cc-nc"}
SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def _uuid(url: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, url))


def _time(stamp: str) -> str:
    """CKAN writes naive UTC timestamps."""
    return stamp.replace("Z", "").replace("+00:00", "")


def _name(text: str) -> str:
    """A CKAN name: lower-case letters, digits, - and _ only."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")


def prefix(site: Site) -> str:
    """The workspace's name prefix: declared, else the region code (32.60 -> 32-60), else the host name."""
    declared = _name((site.config.get("ckan") or {}).get("prefix") or "")
    region = _name(((site.config.get("region") or {}).get("kode") or "").replace(".", "-"))
    host = _name(site.base_url.split("://", 1)[-1].split("/", 1)[0].replace(".", "-"))
    return declared or region or host


def package_name(site: Site, d: DatasetInfo) -> str:
    return f"{prefix(site)}-{_name(d.id)}"


def package_id(site: Site, d: DatasetInfo) -> str:
    return _uuid(site.base_url + d.route)


def licence_id(licence: dict) -> str:
    """The CKAN register id for a declared licence, e.g. CC-BY-4.0 -> cc-by (notspecified when unknown)."""
    name = (licence.get("name") or "").lower()
    for key in sorted(LICENCES, key=len, reverse=True):
        if name == key or name.startswith(key + "-"):
            return LICENCES[key]
    return "notspecified"


def organization(site: Site) -> dict:
    config = site.config
    name = _name((config.get("ckan") or {}).get("organization") or "") or f"pemda-{prefix(site)}"
    released = [r.released for r in site.all_releases()]
    return {"id": _uuid(site.base_url + "#organization"), "name": name, "title": config["publisher"]["name"],
            "display_name": config["publisher"]["name"], "description": (config.get("description") or {}).get("id", ""),
            "type": "organization", "is_organization": True, "state": "active", "approval_status": "approved",
            "image_url": "", "created": _time(min(released)) if released else "",
            "package_count": len(_published(site))}


def group(site: Site, topic: str) -> dict:
    label = site.vocabulary.topic_label(topic, "id")
    count = sum(1 for d in _published(site) if d.topic == topic)
    return {"id": _uuid(f"{site.base_url}katalog/topik/{slug(topic)}/"), "name": _name(topic), "title": label,
            "display_name": label, "description": site.vocabulary.topic_label(topic, "en"), "type": "group",
            "is_organization": False, "state": "active", "approval_status": "approved", "image_url": "",
            "package_count": count}


def _published(site: Site) -> list[DatasetInfo]:
    return [d for d in site.published if d.latest]


def _resources(site: Site, d: DatasetInfo, rel: ReleaseInfo, start: int) -> list[dict]:
    """The downloads of one live version (data files, descriptor, fiscal data package), each with size and hash."""
    files = [(f.name, f.path, f.format, f.mediatype, f.bytes, f.sha256, f.title) for f in rel.downloads]
    out = []
    for i, (name, path, fmt, mediatype, size, digest, title) in enumerate(files, start=start):
        url = site.base_url + path
        out.append({
            "id": _uuid(url), "package_id": package_id(site, d), "name": f"{name} ({rel.version})",
            "description": f"Versi {rel.version} ({rel.released[:10]}): {title or name}",
            "format": fmt.upper(), "mimetype": mediatype, "url": url, "size": size, "hash": "sha256:" + digest,
            "created": _time(rel.released), "last_modified": _time(rel.released), "position": i,
            "state": "active", "url_type": None, "resource_type": "file", "version": rel.version,
        })
    return out


def package(site: Site, d: DatasetInfo) -> dict:
    """package_show's answer: the dataset with the files of every live version, newest first."""
    base, config = site.base_url, site.config
    decl = d.declaration
    live = [r for r in reversed(d.releases) if not r.withdrawn]
    resources = []
    for rel in live:
        resources += _resources(site, d, rel, len(resources))
    # A withdrawal changes what is offered, so it must move metadata_modified (harvesters skip older stamps).
    stamps = [r.released for r in d.releases] + [r.withdrawn["date"] for r in d.releases if r.withdrawn]
    org = organization(site)
    notes = decl.description["id"] + ("\n\n(Data contoh fiktif.)" if config.get("sample") else "")
    keywords = decl.descriptor.get("keywords") or []
    topic = group(site, d.topic)
    return {
        "id": package_id(site, d), "name": package_name(site, d), "title": decl.title["id"], "notes": notes,
        "type": "dataset", "state": "active", "private": False, "isopen": True, "version": d.latest.version,
        "url": base + d.route, "license_id": licence_id(d.licence), "license_title": d.licence.get("title", ""),
        "license_url": d.licence.get("path", ""), "author": ", ".join(d.organisations) or org["title"],
        "author_email": config["publisher"].get("email", ""), "maintainer": org["title"],
        "maintainer_email": config["publisher"].get("email", ""),
        "metadata_created": _time(d.releases[0].released), "metadata_modified": _time(max(stamps)),
        "owner_org": org["id"], "organization": {k: v for k, v in org.items() if k != "package_count"},
        "groups": [{k: topic[k] for k in ("id", "name", "title", "display_name", "description", "image_url")}],
        "tags": [{"name": k, "display_name": k, "state": "active", "vocabulary_id": None} for k in keywords],
        "num_tags": len(keywords), "resources": resources, "num_resources": len(resources),
        "extras": [{"key": "title_en", "value": decl.title["en"]},
                   {"key": "notes_en", "value": decl.description["en"]},
                   {"key": "terbuka_dataset", "value": d.id},
                   {"key": "datapackage", "value": f"{base}{d.latest.route}datapackage.json"},
                   {"key": "releases", "value": f"{base}{d.route}releases.json"},
                   {"key": "sample", "value": "true" if config.get("sample") else "false"}],
        "relationships_as_object": [], "relationships_as_subject": [],
    }


def _answer(site: Site, result) -> str:
    doc = {"help": f"{site.base_url}pengembang/", "success": True, "result": result}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _search(packages: list[dict], start: int) -> dict:
    page = packages[start:start + PAGE]
    return {"count": len(packages), "sort": "id asc", "results": page, "facets": {}, "search_facets": {}}


def files(site: Site) -> dict[str, str]:
    published = _published(site)
    by_dataset = {d.id: package(site, d) for d in published}
    packages = sorted(by_dataset.values(), key=lambda p: p["id"])  # the order harvesters page in (id asc)
    org = organization(site)
    groups = [group(site, t) for t in sorted({d.topic for d in published})]
    out: dict[str, str] = {}

    def put(path: str, result, bare: bool = True) -> None:
        text = _answer(site, result)
        out[API + path + ".json"] = text
        if bare:
            out[API + path] = text

    put("package_list", sorted(p["name"] for p in packages))
    put("current_package_list_with_resources", packages)
    put("package_search", _search(packages, 0))
    for start in range(0, len(packages) + 1, PAGE):
        put(f"package_search-start-{start}", _search(packages, start), bare=False)
    put("package_search-empty", _search(packages, len(packages)), bare=False)
    put("organization_list", [org["name"]])
    put("group_list", [g["name"] for g in groups])
    put("license_list", [{"id": i} for i in sorted(set(LICENCES.values()) | {"notspecified"})])
    for key in (org["id"], org["name"]):
        put(f"organization_show/{key}", org, bare=False)
    for g in groups:
        for key in (g["id"], g["name"]):
            put(f"group_show/{key}", g, bare=False)
    for d in published:
        pkg = by_dataset[d.id]
        for key in (pkg["id"], pkg["name"], d.id):  # d.id: the address earlier builds published
            put(f"package_show/{key}", pkg, bare=key == d.id)
    return out


def candidates(path: str, query: str) -> list[str]:
    """The files that answer a request, in the order a web server should try them (like nginx try_files):
    ?id=X on an *_show action -> <action>/X.json; package_search?start=N -> its page, else the empty page;
    any other API path -> the path itself, then path.json."""
    path = path.lstrip("/")
    if not path.startswith(API):
        return [path]
    action = path[len(API):].removesuffix(".json")
    args = {k: v[0] for k, v in parse_qs(query).items()}
    if action in ID_ACTIONS and "id" in args:
        return [f"{API}{action}/{args['id']}.json"] if SAFE_ID.match(args["id"]) else []
    if action == "package_search" and args.get("start", "0").isdigit() and args.get("start", "0") != "0":
        return [f"{API}package_search-start-{int(args['start'])}.json", f"{API}package_search-empty.json"]
    return [path, path + ".json"] if not path.endswith(".json") else [path]
