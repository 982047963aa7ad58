"""A national CKAN harvesting two Terbuka portals keeps both regions apart.

The replay follows the CKAN harvester of ckanext-harvest (ckanext/harvest/harvesters/ckanharvester.py and
base.py), step by step, against two portals served by `terbuka serve`'s own server on 127.0.0.1:
  gather: package_search?rows=100&start=N&sort=id asc (plus fq filters a static host cannot apply), paging until
          a page is empty, and failing when two pages are byte-identical; one harvest object per package id;
  import: with remote_groups/remote_orgs = "create": group_show by id then by name locally, else group_show?id=
          on the source; organization_show?id=<owner_org> on the source; then package_show locally by the
          remote id: update when metadata_modified is newer, else create under a unique name (the harvester
          appends a number when the name is taken, which is how a collision shows).
The local CKAN below keeps what CKAN's database keeps unique: package ids and names, resource ids,
organisation and group ids and names."""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest

# CKAN's default licence register (ckan/model/license.py)
CKAN_LICENCES = {"notspecified", "odc-pddl", "odc-odbl", "odc-by", "cc-zero", "cc-by", "cc-by-sa", "gfdl", "other-open",
                 "other-pd", "other-at", "uk-ogl", "cc-nc", "other-nc", "other-closed"}


class NotFound(Exception):
    pass


class Collision(AssertionError):
    pass


def fetch(url: str) -> tuple[int, bytes]:
    """The status and body, whatever the status (requests.get, which the harvester uses, does not raise on 404)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get(url: str) -> tuple[int, str]:
    """The harvester's _get_content: the body as text."""
    status, body = fetch(url)
    return status, body.decode("utf-8", "replace")


class LocalCkan:
    """The harvesting CKAN's database, reduced to what it keeps unique."""

    def __init__(self):
        self.packages, self.names, self.resources = {}, {}, {}
        self.orgs, self.groups = {}, {}
        self.renamed: list[tuple[str, str]] = []

    def package_show(self, key: str) -> dict:
        key = self.names.get(key, key)
        if key not in self.packages:
            raise NotFound(key)
        return self.packages[key]

    def _find(self, table: dict, key: str) -> dict:
        for item in table.values():
            if key in (item["id"], item["name"]):
                return item
        raise NotFound(key)

    def organization_show(self, key):
        return self._find(self.orgs, key)

    def group_show(self, key):
        return self._find(self.groups, key)

    def _create(self, table: dict, item: dict) -> None:
        for other in table.values():
            if item["id"] == other["id"] or item["name"] == other["name"]:
                raise Collision(f"{item['name']} ({item['id']}) clashes with {other['name']} ({other['id']})")
        table[item["id"]] = item

    def organization_create(self, org):
        self._create(self.orgs, org)

    def group_create(self, group):
        self._create(self.groups, group)

    def gen_new_name(self, ideal: str) -> str:
        """base.py _ensure_name_is_unique: a taken name gets a number appended (we record that as a collision)."""
        if ideal not in self.names:
            return ideal
        counter = 1
        while f"{ideal}{counter}" in self.names:
            counter += 1
        self.renamed.append((ideal, f"{ideal}{counter}"))
        return f"{ideal}{counter}"

    def save(self, pkg: dict, created: bool) -> None:
        for res in pkg["resources"]:
            owner = self.resources.get(res["id"])
            if owner not in (None, pkg["id"]):
                raise Collision(f"resource {res['id']} of {pkg['name']} already belongs to {owner}")
        if created:
            self.names[pkg["name"]] = pkg["id"]
        self.packages[pkg["id"]] = pkg
        for res in pkg["resources"]:
            self.resources[res["id"]] = pkg["id"]


def gather(source: str, fq_terms: list[str]) -> list[dict]:
    """ckanharvester._search_for_datasets: page through package_search sorted by id."""
    params = {"rows": "100", "start": "0", "sort": "id asc"}
    if fq_terms:
        params["fq"] = " ".join(fq_terms)
    found, ids, previous = [], set(), None
    for _ in range(20):
        status, content = get(f"{source}/api/3/action/package_search?{urlencode(params)}")
        if previous and content == previous:
            raise AssertionError(f"the paging does not work (page {params['start']} repeats the one before)")
        previous = content
        page = json.loads(content).get("result", {}).get("results", [])
        page = [p for p in page if p["id"] not in ids]
        ids |= {p["id"] for p in page}
        found += page
        if not page:
            return found
        params["start"] = str(int(params["start"]) + int(params["rows"]))
    raise AssertionError("package_search never returned an empty page")


def import_package(local: LocalCkan, source: str, pkg: dict) -> str:
    """ckanharvester.import_stage with remote_groups and remote_orgs set to "create"."""
    pkg = json.loads(json.dumps(pkg))
    groups = []
    for group in pkg.get("groups", []):
        try:
            try:
                found = local.group_show(group["id"])
            except NotFound:
                found = local.group_show(group["name"])
        except NotFound:
            status, content = get(f"{source}/api/3/action/group_show?id={group['id']}")
            found = json.loads(content)["result"]
            for key in ("packages", "created", "users", "groups", "tags", "extras", "display_name"):
                found.pop(key, None)
            local.group_create(found)
        groups.append({"id": found["id"], "name": found["name"]})
    pkg["groups"] = groups
    remote_org = pkg.get("owner_org")
    assert remote_org, "no owner_org"
    try:
        org = local.organization_show(remote_org)
    except NotFound:
        status, content = get(f"{source}/api/3/action/organization_show?id={remote_org}")
        org = json.loads(content)["result"]
        for key in ("packages", "created", "users", "groups", "tags", "extras", "display_name", "type"):
            org.pop(key, None)
        local.organization_create(org)
    pkg["owner_org"] = org["id"]
    for res in pkg["resources"]:
        res.pop("url_type", None)
        res.pop("revision_id", None)
    try:
        existing = local.package_show(pkg["id"])
    except NotFound:
        pkg["name"] = local.gen_new_name(pkg["name"])
        local.save(pkg, created=True)
        return "created"
    pkg["name"] = existing["name"]
    if pkg["metadata_modified"] > existing["metadata_modified"]:
        local.save(pkg, created=False)
        return "updated"
    return "unchanged"


def harvest(local: LocalCkan, source: str, fq_terms: list[str] | None = None) -> dict[str, str]:
    return {p["id"]: import_package(local, source, p) for p in gather(source, fq_terms or [])}


def test_two_regions_harvested_into_one_ckan_collide_nowhere(regions, served, specs):
    A, B = specs["A"], specs["B"]
    local = LocalCkan()
    first = {name: harvest(local, served[name]) for name in ("A", "B")}
    assert all(set(r.values()) == {"created"} for r in first.values()), first
    assert len(first["A"]) == len(first["B"]) == 4 and not set(first["A"]) & set(first["B"])
    assert local.renamed == [], f"the harvester had to rename: {local.renamed}"
    assert len(local.packages) == 8 and len(local.orgs) == 2
    names = sorted(p["name"] for p in local.packages.values())
    assert [n for n in names if n.startswith("kab-sukamaju-")] == [
        "kab-sukamaju-apbd", "kab-sukamaju-kinerja", "kab-sukamaju-peraturan", "kab-sukamaju-wilayah"]
    assert [n for n in names if n.startswith("33-71-")] == ["33-71-apbd", "33-71-kinerja", "33-71-peraturan",
                                                           "33-71-wilayah"]  # B's default: its region code
    # Topics are shared groups: the second region finds the first one's group by name and joins it.
    assert sorted(g["name"] for g in local.groups.values()) == ["hukum", "keuangan", "kinerja", "referensi"]
    for pkg in local.packages.values():
        base = A.base if pkg["name"].startswith("kab-sukamaju-") else B.base
        assert all(r["url"].startswith(base) for r in pkg["resources"]), pkg["name"]
        assert pkg["license_id"] in CKAN_LICENCES and pkg["license_id"] != "notspecified"
        assert pkg["author_email"] and local.orgs[pkg["owner_org"]]["title"] == pkg["organization"]["title"]
    # A second run (the incremental query a static host cannot filter) changes nothing.
    since = "metadata_modified:[2025-01-01T00:00:00Z TO *]"
    again = {name: harvest(local, served[name], [since]) for name in ("A", "B")}
    assert all(set(r.values()) == {"unchanged"} for r in again.values()), again


def test_ids_are_stable_uuids_derived_from_the_portal_url(regions, specs):
    import uuid

    from publish.portal import ckan
    from publish.portal.context import load_site

    site = load_site(regions["B"])
    apbd = site.dataset("apbd")
    assert ckan.package_id(site, apbd) == str(uuid.uuid5(uuid.NAMESPACE_URL, specs["B"].base + "datasets/apbd/"))
    again = json.loads((regions["B"].site / "api/3/action/package_show/33-71-apbd.json").read_text())["result"]
    assert again == ckan.package(load_site(regions["B"]), apbd)  # a second build gives the same answer


def test_every_live_version_is_offered_with_size_and_hash(regions, served, specs):
    from publish.releases import list_releases

    for name, region in specs.items():
        ws = regions[name]
        prefix = "kab-sukamaju" if name == "A" else "33-71"
        status, content = get(f"{served[name]}/api/3/action/package_show?id={prefix}-apbd")
        assert status == 200
        pkg = json.loads(content)["result"]
        live = [e["version"] for e in list_releases(ws, "apbd") if not e.get("withdrawn")]
        gone = [e["version"] for e in list_releases(ws, "apbd") if e.get("withdrawn")]
        assert gone and sorted({r["version"] for r in pkg["resources"]}) == sorted(live)
        assert len({r["id"] for r in pkg["resources"]}) == pkg["num_resources"] == len(pkg["resources"])
        assert pkg["resources"][0]["version"] == live[-1]  # newest first
        for res in pkg["resources"]:
            path = urlsplit(res["url"]).path.removeprefix(urlsplit(region.base).path)
            status, body = fetch(f"{served[name]}/{path}")
            assert status == 200 and res["size"] == len(body), res["url"]
            assert res["hash"] == "sha256:" + hashlib.sha256(body).hexdigest(), res["url"]


def test_static_files_answer_the_queries_harvesters_send(served):
    base = served["A"]
    by_name = json.loads(get(f"{base}/api/3/action/package_show?id=kab-sukamaju-apbd")[1])["result"]
    by_id = json.loads(get(f"{base}/api/3/action/package_show?id={by_name['id']}")[1])["result"]
    assert by_name == by_id and by_name["name"] == "kab-sukamaju-apbd"
    assert get(f"{base}/api/3/action/package_show?id=tidak-ada")[0] == 404
    assert get(f"{base}/api/3/action/package_show")[0] == 404  # never a directory listing
    orgs = json.loads(get(f"{base}/api/3/action/organization_list")[1])["result"]
    assert orgs == ["pemkab-sukamaju"]
    org = json.loads(get(f"{base}/api/3/action/organization_show?id=pemkab-sukamaju")[1])["result"]
    assert org["id"] == by_name["owner_org"] and org["package_count"] == 4
    groups = json.loads(get(f"{base}/api/3/action/group_list")[1])["result"]
    assert sorted(groups) == ["hukum", "keuangan", "kinerja", "referensi"]
    page = json.loads(get(f"{base}/api/3/action/package_search?rows=100&start=100&sort=id+asc")[1])["result"]
    assert page["count"] == 4 and page["results"] == []
    with urllib.request.urlopen(f"{base}/api/3/action/package_list", timeout=10) as resp:
        assert resp.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("path, query, expected", [
    ("/api/3/action/package_show", "id=abc", ["api/3/action/package_show/abc.json"]),
    ("/api/3/action/group_show", "id=../../etc", []),
    ("/api/3/action/package_search", "q=&rows=100&start=200&sort=id+asc",
     ["api/3/action/package_search-start-200.json", "api/3/action/package_search-empty.json"]),
    ("/api/3/action/package_search", "rows=100&start=0", ["api/3/action/package_search",
                                                         "api/3/action/package_search.json"]),
    ("/datasets/apbd/", "x=1", ["datasets/apbd/"]),
])
def test_the_rewrite_rule(path, query, expected):
    from publish.portal.ckan import candidates

    assert candidates(path, query) == expected
