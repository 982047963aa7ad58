"""Dagster assets built from declarations: <dataset>/raw -> <dataset>/clean -> <dataset>/release, and portal."""

import json

import dagster as dg

from assets import stages
from assets.validation import Checked
from publish.declarations import Declaration
from publish.workspace import Workspace, resolve_workspace

CHECKS = {
    "structure": ("Frictionless structure: types, required, unique, enum, pattern, ranges, keys and foreign keys.",
                  {"type-error", "constraint-error", "unique-error", "primary-key", "foreign-key", "missing-label",
                   "duplicate-label", "extra-cell", "missing-cell", "source-error", "ambiguous-number",
                   "not-whole-number", "zero-date", "ambiguous-date", "blank-row", "extra-label"}),
    "business_rules": ("Great Expectations business rules declared in expectations.json.", {"business-rule"}),
    "personal_data": ("No NIK, NPWP, phone numbers or e-mail addresses in text columns; no formula-leading cells.",
                      {"personal-data", "formula-injection"}),
}

# Transient I/O (a network share, a file still being synced) gets two more tries.
IO_RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)


class TerbukaResource(dg.ConfigurableResource):
    """The workspace every asset reads and writes (chosen once, in pipelines/definitions.py)."""

    workspace_dir: str = ""

    def workspace(self) -> Workspace:
        return resolve_workspace(self.workspace_dir or None).ensure()


class RawConfig(dg.Config):
    """Which dropped file to take: a path relative to inbox/ (empty = the oldest waiting for this dataset)."""

    file: str = ""


def _preview(table, rows: int = 10) -> dg.MarkdownMetadataValue:
    names = [n for n in table.column_names if not n.startswith("__")][:8]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for record in table.slice(0, rows).select(names).to_pylist():
        lines.append("| " + " | ".join("" if record[n] is None else str(record[n]) for n in names) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def _column_schema(declaration: Declaration) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(name=f["name"], type=f.get("type", "string"), description=f.get("description"),
                       constraints=dg.TableColumnConstraints(
                           nullable=not (f.get("constraints") or {}).get("required"),
                           unique=bool((f.get("constraints") or {}).get("unique"))))
        for f in declaration.fields])


def _claims(name: str, problem_type: str) -> bool:
    """Which check reports a problem type; structure takes every type no other check names, so a new kind
    of error can never slip past all three checks."""
    if name == "structure":
        return not any(problem_type in types for other, (_, types) in CHECKS.items() if other != name)
    return problem_type in CHECKS[name][1]


def _check_result(name: str, checked: Checked, asset_key: dg.AssetKey,
                  reports: list[str] | None = None) -> dg.AssetCheckResult:
    groups = [g for g in checked.report.groups() if _claims(name, g["type"])]
    errors = sum(g["count"] for g in groups if g["severity"] == "error")
    warnings = sum(g["count"] for g in groups if g["severity"] == "warning")
    rows = [dg.TableRecord({"severity": g["severity"], "type": g["type"], "field": g["field"] or "",
                            "count": g["count"], "first_row": (g["examples"][0]["row"] if g["examples"] else None) or 0,
                            "note": g["note"][:200]}) for g in groups[:20]]
    table = dg.MetadataValue.table(rows, schema=dg.TableSchema(columns=[
        dg.TableColumn("severity"), dg.TableColumn("type"), dg.TableColumn("field"),
        dg.TableColumn("count", "int"), dg.TableColumn("first_row", "int"), dg.TableColumn("note")]))
    metadata = {"errors": errors, "warnings": warnings, "first_problems": table}
    summary = None
    if errors:
        first = groups[0]
        note = " / ".join(n for n in (first.get("note_id"), first["note"]) if n)
        summary = (f"{errors} kesalahan / errors — pertama / first: {note[:300]}. Tidak ada yang diterbitkan / "
                   "nothing was published. "
                   "Perbaiki berkas lalu letakkan lagi di inbox/ / fix the file and drop it again.")
        if reports:
            metadata["quarantine_report"] = dg.MetadataValue.path(reports[0])
            summary += f" Laporan / report: {reports[0]}"
    return dg.AssetCheckResult(
        asset_key=asset_key, check_name=name, passed=errors == 0, description=summary,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN, metadata=metadata)


FIRST_YEAR = "2015"


def fiscal_years() -> dg.TimeWindowPartitionsDefinition:
    """One partition per fiscal year, up to next year (the draft budget arrives before January)."""
    return dg.TimeWindowPartitionsDefinition(cron_schedule="0 0 1 1 *", start=FIRST_YEAR, fmt="%Y",
                                             timezone="Asia/Jakarta", end_offset=2)


def partition_for(declaration: Declaration, data: bytes, name: str) -> str | None:
    """The fiscal-year partition key a dropped file belongs to (None for datasets not split by year)."""
    if not declaration.partition:
        return None
    return stages.choose_partition(stages.file_years(declaration, data, name), fiscal_years().get_partition_keys())


def _merged(checks: list[Checked]) -> Checked:
    """One report for the files a run checked (a backfill may re-check several)."""
    if len(checks) == 1:
        return checks[0]
    from publish.report import Report

    report = Report(dataset=checks[0].report.dataset, source=", ".join(c.report.source for c in checks))
    for c in checks:
        report.problems += c.report.problems
        for key, n in c.report.counts.items():
            report.counts[key] = report.counts.get(key, 0) + n
        report.rows += c.report.rows
        report.unusable = report.unusable or c.report.unusable
    return Checked(None, report, [r for c in checks for r in c.rules])


def build_dataset_assets(declaration: Declaration, all_ids: list[str]) -> list:
    """The three assets and their blocking checks for one declared dataset."""
    did = declaration.id
    raw_key, clean_key, release_key = dg.AssetKey([did, "raw"]), dg.AssetKey([did, "clean"]), dg.AssetKey([did, "release"])
    title = declaration.title["id"]
    partitions = fiscal_years() if declaration.partition else None
    by_year = " One partition per fiscal year." if partitions else ""

    @dg.asset(key=raw_key, group_name=did, output_required=False, kinds={"file"}, retry_policy=IO_RETRY,
              partitions_def=partitions,
              description=f"{title}: the file an officer dropped into inbox/, kept byte for byte with its SHA-256."
                          + by_year + (" Without a new file, a year's run re-processes the files behind that "
                                       "year of the latest release (a backfill)." if partitions else ""))
    def raw(context: dg.AssetExecutionContext, config: RawConfig, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        year = context.partition_key if partitions else None
        dropped = _pick(ws, declaration, config.file, year)
        if dropped is not None:
            data = dropped.path.read_bytes()
            source = stages.snapshot(ws, did, data, dropped.path.name)
            source["inbox_path"] = str(dropped.path.relative_to(ws.root))
            sources = [source]
        else:
            sources = stages.year_sources(ws, declaration, year) if year else []
        if not sources:
            context.log.info(f"Tidak ada berkas menunggu untuk {did} / no file waiting for {did}"
                             + (f" ({year})" if year else ""))
            return
        yield dg.Output(sources, metadata={"files": ", ".join(s["name"] for s in sources),
                                           "sha256": ", ".join(s["sha256"] for s in sources),
                                           "bytes": sum(s["bytes"] for s in sources),
                                           "reprocess": bool(sources[0].get("reprocess"))})

    deps = [dg.AssetKey([d, "release"]) for d in declaration.depends_on if d in all_ids]

    @dg.asset(key=clean_key, group_name=did, ins={"sources": dg.AssetIn(raw_key)}, deps=deps, kinds={"pandas"},
              partitions_def=partitions,
              description=f"{title}: the file parsed into typed columns and checked (Frictionless structure, "
                          "Great Expectations rules, personal data). A failing blocking check stops the release.",
              check_specs=[dg.AssetCheckSpec(name, asset=clean_key, blocking=True, description=CHECKS[name][0])
                           for name in CHECKS])
    def clean(context: dg.AssetExecutionContext, sources: list, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        year = context.partition_key if partitions else None
        results, metadata, reports = [], {}, []
        for source in sources:
            data = (ws.root / source["path"]).read_bytes()
            checked = stages.check(ws, declaration, data, source["name"], partition=year)
            report = checked.report
            if not report.valid:
                folder = stages.quarantine_file(ws, report, data, source["name"])
                stages.record(ws, stages.Outcome(did, source, False, report.to_dict(), quarantine=folder))
                _retire(ws, did, source, accepted=False)
                reports.append(str(folder / "report.html"))
                metadata["quarantine_report"] = dg.MetadataValue.path(reports[-1])
                context.log.error(f"{did}: {source['name']} ditolak / rejected — {report.errors} kesalahan / errors. "
                                  f"Perbaiki lalu letakkan lagi di inbox/{did}/ — laporan / report: {folder / 'report.html'}")
            elif checked.table is not None:
                metadata["preview"] = _preview(checked.table)
            results.append({"source": source, "checked": checked})
        merged = _merged([r["checked"] for r in results])
        report = merged.report
        metadata.update({"rows": report.rows, "errors": report.errors, "warnings": report.warnings,
                         "files": ", ".join(s["name"] for s in sources),
                         "sha256": ", ".join(s["sha256"] for s in sources), "dagster/row_count": report.rows,
                         "dagster/column_schema": _column_schema(declaration)})
        yield dg.Output(results, metadata=metadata)
        for name in CHECKS:
            yield _check_result(name, merged, clean_key, reports)

    @dg.asset(key=release_key, group_name=did, ins={"cleaned": dg.AssetIn(clean_key)}, kinds={"parquet", "csv"},
              partitions_def=partitions,
              description=f"{title}: an immutable versioned release (CSV, Parquet, datapackage.json, diff, "
                          "checksums, provenance) in the release store, state/releases/datasets/" + did + "/<version>/; "
                          "public at site/datasets/" + did + "/<version>/ once the portal is promoted." + by_year)
    def release(context: dg.AssetExecutionContext, cleaned: list, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        rejected = [c for c in cleaned if not c["checked"].report.valid]
        if rejected:
            # Fail closed even when the blocking check did not stop us (e.g. this asset run on its own).
            names = ", ".join(c["source"]["name"] for c in rejected)
            raise dg.Failure(description=f"{did}: {names} failed its checks; nothing was released. "
                                         f"See the quarantine report in state/quarantine/{did}/.")
        from publish.config import load_config, promotes_automatically

        result = None
        for item in cleaned:
            result = stages.release(ws, declaration, item["checked"], item["source"], run_id=context.run_id)
            outcome = stages.Outcome(did, item["source"], True, item["checked"].report.to_dict(), release=result)
            stages.record(ws, outcome)
            _retire(ws, did, item["source"], accepted=True)
            context.log.info(outcome.message)
        url = f"{load_config(ws)['baseUrl']}datasets/{did}/{result.version}/"
        entry = json.loads((result.path / "release.json").read_text())
        return dg.MaterializeResult(metadata={
            "version": result.version, "unchanged": result.unchanged, "change": result.change,
            "url": dg.MetadataValue.url(url),
            "live": "with this run's portal step" if promotes_automatically(ws)
                    else "after promotion (terbuka promote / promote_job)",
            "release_rows": entry["rows"], "dagster/row_count": entry["rows"],
            "file_rows": sum(c["checked"].report.rows for c in cleaned),
            "warnings": sum(c["checked"].report.warnings for c in cleaned),
            "source_files": ", ".join(c["source"]["name"] for c in cleaned),
            "source_sha256": ", ".join(c["source"]["sha256"] for c in cleaned),
            "release_folder": dg.MetadataValue.path(str(result.path))})

    return [raw, clean, release]


def _pick(ws: Workspace, declaration: Declaration, file: str, year: str | None):
    """The dropped file this run takes: the one named in config, else the first waiting for this dataset (and year)."""
    if file:
        path = (ws.inbox / file).resolve()
        if not path.is_file() or ws.inbox.resolve() not in path.parents:
            raise dg.Failure(description=f"{file} is not a file in inbox/")
        return stages.Dropped(declaration.id, path, stages.sha256_file(path))
    waiting = stages.pending_files(ws, settle=False).pending
    return next((d for d in waiting if d.dataset == declaration.id and (year is None or d.year == year)), None)


def _retire(ws: Workspace, dataset: str, source: dict, accepted: bool) -> None:
    """Move the processed file out of inbox/ (the snapshot and quarantine keep the bytes)."""
    rel = source.get("inbox_path")
    if rel and (ws.root / rel).is_file():
        path = ws.root / rel
        stages.file_away(ws, stages.Dropped(dataset, path, source["sha256"]), accepted)


def build_portal_assets(all_ids: list[str]) -> list:
    """`preview` renders the portal into state/preview/; `portal` promotes it to site/; `verify` checks site/."""

    @dg.asset(key=dg.AssetKey(["preview"]), group_name="portal", kinds={"html"}, retry_policy=IO_RETRY,
              deps=[dg.AssetKey([d, "release"]) for d in all_ids],
              description="The portal rendered into state/preview/ for a look before it goes live "
                          "(open state/preview/index.html). Nothing public changes here.")
    def preview(context: dg.AssetExecutionContext, terbuka: TerbukaResource):
        from publish.promote import build_preview

        ws = terbuka.workspace()
        written = build_preview(ws)
        return dg.MaterializeResult(metadata={"files_written": len(written),
                                              "preview": dg.MetadataValue.path(str(ws.preview / "index.html"))})

    @dg.asset(key=dg.AssetKey(["portal"]), group_name="portal", kinds={"html"}, retry_policy=IO_RETRY,
              deps=[dg.AssetKey(["preview"])],
              description="Promote the previewed portal to site/ (a copy of state/preview/, the folder deployed "
                          "as-is to the public host). Its `verify` check then re-hashes and follows links.")
    def portal(context: dg.AssetExecutionContext, terbuka: TerbukaResource):
        from publish.promote import NothingToPromote, promote

        ws = terbuka.workspace()
        try:
            written = promote(ws)  # a copy of what the officer previewed, not a fresh rendering
        except NothingToPromote as exc:
            raise dg.Failure(description=f"Belum ada pratinjau / no preview yet: {exc}. "
                                         "Materialize `preview` first.") from None
        return dg.MaterializeResult(metadata={"files_written": len(written),
                                              "index": dg.MetadataValue.path(str(ws.site / "index.html"))})

    @dg.asset_check(asset=dg.AssetKey(["portal"]), name="verify",
                    description="Every file in the release store and site/ matches its SHA256SUMS manifest and its "
                                "release records, each dataset's `latest` resolves, and no internal link is broken. "
                                "Runs after each promotion and every night, without promoting anything.")
    def verify(context: dg.AssetCheckExecutionContext, terbuka: TerbukaResource) -> dg.AssetCheckResult:
        from publish.links import broken_links
        from publish.verify import verify_all

        ws = terbuka.workspace()
        checked = verify_all(ws)
        links = broken_links(ws.site) if ws.site.is_dir() else []
        problems = checked.missing + checked.changed + checked.extra + checked.broken
        problems += [f"{page}: broken link {ref}" for page, ref in links]
        return dg.AssetCheckResult(passed=not problems, metadata={
            "files_checked": checked.checked, "problems": len(problems), "broken_links": len(links),
            "first_problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:20]) or "none"),
            "stale_latest": len(checked.stale)})

    return [preview, portal, verify]
