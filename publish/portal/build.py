"""build_site: read the workspace, render every page and catalogue in memory, write only what changed."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from publish.files import place_folder, point_symlink, write_if_changed
from publish.progress import step
from publish.portal import explorer
from publish.portal.budget import Budget
from publish.portal import (citation, ckan, dcat, dcat_us, feeds, jdih, pagefind, pages, performance, regulations,
                            sitemap, transparency)
from publish.portal.context import Site, load_site
from publish.portal.render import Page, Renderer
from publish.portal.urls import placeable
from publish.portal.views import BUDGET, PERFORMANCE, REGULATIONS, View, declared_views, navigation, of_kind
from publish.releases import INDEX, LATEST, RENDERED, WITHDRAWN
from publish.workspace import Workspace

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MANIFEST = ".portal-files"  # what the last build generated, so the next one can remove what disappeared


def site_pages(site: Site, views: list[View]) -> list[Page]:
    """Every page of the portal (each is rendered in Indonesian and English): the core pages, then the views
    the datasets declare."""
    budgets = [Budget(site, v) for v in of_kind(views, BUDGET)]
    first = budgets[0] if budgets else None
    out = [pages.home(site, first and first.view, first and explorer.home_figures(first), explorer.WORDS)]
    out += pages.catalog(site)
    for d in site.datasets:
        out.append(pages.dataset(site, d, views))
        out += [pages.release(site, d, rel) for rel in d.releases]
    for budget in budgets:
        out += explorer.pages(site, budget, views)
    for view in of_kind(views, REGULATIONS):
        citing = [b for b in budgets if explorer.register_of(b, views) is view]
        out += regulations.pages(site, view, citing)
    for view in of_kind(views, PERFORMANCE):
        out += performance.pages(site, view)
    out += transparency.pages(site)
    out += [pages.search(site, views), pages.developers(site), pages.glossary_page(site)]
    return out


def render_site(site: Site) -> dict[str, str | bytes]:
    """{path under the site root: content} for every generated file."""
    views = declared_views(site)
    renderer = Renderer(site, navigation(views))
    page_list = []
    for page in site_pages(site, views):
        if placeable(page.route):
            page_list.append(page)
        else:  # a route made of a value from the data ("..", "a//b"): no page rather than one in the wrong place
            log.warning("page skipped: its route %r, made from the data, does not name a folder inside the site "
                        "/ halaman dilewati: rutenya bukan folder di dalam situs", page.route)
    out: dict[str, str | bytes] = {}
    with step(("membangun portal", "building the portal"), total=len(page_list), unit="pages") as building:
        for page in page_list:
            out.update(renderer.render(page))
            building.advance()
    for module in (citation, dcat, dcat_us, feeds, ckan, jdih, transparency):
        out.update(module.files(site))
    out.update(sitemap.files(site, [p.route for p in page_list]))
    for asset in sorted(STATIC.iterdir()):
        if asset.is_file():
            out[f"assets/{asset.name}"] = asset.read_bytes()
    return out


def mirror_releases(site: Site, out_dir: Path, link: bool = True) -> list[Path]:
    """Make the release store's files visible under out_dir: a new version folder is filled beside its final
    place and renamed in, so out_dir never shows half a version. Release files never change once written,
    so the preview hard-links them (no extra disk); site/ gets copies, so nothing done to the deployed
    folder can reach the store."""
    written = []
    for d in site.datasets:
        src, dst = site.workspace.releases / "datasets" / d.id, out_dir / "datasets" / d.id
        for rel in d.releases:
            written += place_folder(rel.folder, dst / rel.version, link, skip=RENDERED)
        for name in (INDEX, WITHDRAWN):
            if (src / name).is_file() and write_if_changed(dst / name, (src / name).read_bytes()):
                written.append(dst / name)
        latest = d.latest
        pointer = dst / LATEST
        if latest and not (pointer.is_symlink() and os.readlink(pointer) == latest.version):
            dst.mkdir(parents=True, exist_ok=True)
            point_symlink(pointer, latest.version)
            written.append(pointer)
        elif not latest and pointer.is_symlink():
            pointer.unlink()
            written.append(pointer)
    return written


def remove_stale(out: Path, current: set[str]) -> tuple[list[str], bool]:
    """Delete pages an earlier build generated that no longer exist (a year or regulation gone from the data).

    Only paths listed in the previous build's manifest are candidates, so release files are never touched."""
    manifest = out / MANIFEST
    previous = set(manifest.read_text(encoding="utf-8").split("\n")) - {""} if manifest.is_file() else set()
    stale = sorted(previous - current)
    for path in stale:
        if path.startswith(".") or ".." in Path(path).parts:
            continue
        target = out / path
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == out or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
    return stale, write_if_changed(manifest, "\n".join(sorted(current)) + "\n")


def build_site(workspace: Workspace, out_dir: Path | None = None) -> list[Path]:
    """Render the portal into out_dir (default: the workspace's site/) and return the files written.

    Everything is rendered in memory and compared with what is on disk, so a rebuild with nothing changed
    writes no file, and Pagefind re-indexes only when some HTML page changed."""
    started = time.monotonic()
    site = load_site(workspace)
    out = Path(out_dir) if out_dir is not None else workspace.site
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    written += mirror_releases(site, out, link=out.resolve() != workspace.site.resolve())
    rendered = render_site(site)
    for path, content in sorted(rendered.items()):
        if write_if_changed(out / path, content):
            written.append(out / path)
    removed, manifest_written = remove_stale(out, set(rendered))
    if removed:
        log.info("removed %d pages that no longer exist: %s", len(removed), ", ".join(removed[:5]))
    if manifest_written:
        written.append(out / MANIFEST)
    html_changed = any(p.suffix == ".html" for p in written) or any(r.endswith(".html") for r in removed)
    if html_changed or not (out / pagefind.FOLDER).is_dir():
        written += pagefind.run(out)
    log.info("portal built in %.1f s: %d files written to %s", time.monotonic() - started, len(written), out)
    return written
