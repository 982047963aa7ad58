"""Dagster assets built from declarations: <dataset>/raw -> <dataset>/clean -> <dataset>/release, and portal."""

from pathlib import Path

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


def _check_result(name: str, checked: Checked, asset_key: dg.AssetKey) -> dg.AssetCheckResult:
    description, types = CHECKS[name]
    groups = [g for g in checked.report.groups() if g["type"] in types]
    errors = sum(g["count"] for g in groups if g["severity"] == "error")
    warnings = sum(g["count"] for g in groups if g["severity"] == "warning")
    rows = [dg.TableRecord({"severity": g["severity"], "type": g["type"], "field": g["field"] or "",
                            "count": g["count"], "first_row": (g["examples"][0]["row"] if g["examples"] else None) or 0,
                            "note": g["note"][:200]}) for g in groups[:20]]
    table = dg.MetadataValue.table(rows, schema=dg.TableSchema(columns=[
        dg.TableColumn("severity"), dg.TableColumn("type"), dg.TableColumn("field"),
        dg.TableColumn("count", "int"), dg.TableColumn("first_row", "int"), dg.TableColumn("note")]))
    return dg.AssetCheckResult(
        asset_key=asset_key, check_name=name, passed=errors == 0,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN,
        metadata={"errors": errors, "warnings": warnings, "first_problems": table})


def build_dataset_assets(declaration: Declaration, all_ids: list[str]) -> list:
    """The three assets and their blocking checks for one declared dataset."""
    did = declaration.id
    raw_key, clean_key, release_key = dg.AssetKey([did, "raw"]), dg.AssetKey([did, "clean"]), dg.AssetKey([did, "release"])
    title = declaration.title["id"]

    @dg.asset(key=raw_key, group_name=did, output_required=False, kinds={"file"}, retry_policy=IO_RETRY,
              description=f"{title}: the file an officer dropped into inbox/, kept byte for byte with its SHA-256.")
    def raw(context: dg.AssetExecutionContext, config: RawConfig, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        dropped = _pick(ws, did, config.file)
        if dropped is None:
            context.log.info(f"Tidak ada berkas menunggu untuk {did} / no file waiting for {did}")
            return
        data = dropped.path.read_bytes()
        source = stages.snapshot(ws, did, data, dropped.path.name)
        source["inbox_path"] = str(dropped.path.relative_to(ws.root))
        yield dg.Output(source, metadata={"source": source["name"], "sha256": source["sha256"],
                                          "bytes": source["bytes"]})

    deps = [dg.AssetKey([d, "release"]) for d in declaration.depends_on if d in all_ids]

    @dg.asset(key=clean_key, group_name=did, ins={"source": dg.AssetIn(raw_key)}, deps=deps, kinds={"pandas"},
              description=f"{title}: the file parsed into typed columns and checked (Frictionless structure, "
                          "Great Expectations rules, personal data). A failing blocking check stops the release.",
              check_specs=[dg.AssetCheckSpec(name, asset=clean_key, blocking=True, description=CHECKS[name][0])
                           for name in CHECKS])
    def clean(context: dg.AssetExecutionContext, source: dict, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        data = (ws.root / source["path"]).read_bytes()
        checked = stages.check(ws, declaration, data, source["name"])
        report = checked.report
        metadata = {"rows": report.rows, "errors": report.errors, "warnings": report.warnings,
                    "source": source["name"], "sha256": source["sha256"], "dagster/row_count": report.rows,
                    "dagster/column_schema": _column_schema(declaration)}
        if not report.valid:
            folder = stages.quarantine_file(ws, report, data, source["name"])
            stages.record(ws, stages.Outcome(did, source, False, report.to_dict(), quarantine=folder))
            _retire(ws, did, source, accepted=False)
            metadata["quarantine_report"] = dg.MetadataValue.path(str(folder / "report.html"))
            context.log.error(f"{did}: {source['name']} ditolak / rejected — {report.errors} kesalahan / errors. "
                              f"Laporan / report: {folder / 'report.html'}")
        elif checked.table is not None:
            metadata["preview"] = _preview(checked.table)
        yield dg.Output({"source": source, "checked": checked}, metadata=metadata)
        for name in CHECKS:
            yield _check_result(name, checked, clean_key)

    @dg.asset(key=release_key, group_name=did, ins={"cleaned": dg.AssetIn(clean_key)}, kinds={"parquet", "csv"},
              description=f"{title}: an immutable versioned release (CSV, Parquet, datapackage.json, diff, "
                          "checksums, provenance) under site/datasets/" + did + "/<version>/.")
    def release(context: dg.AssetExecutionContext, cleaned: dict, terbuka: TerbukaResource):
        ws = terbuka.workspace()
        checked: Checked = cleaned["checked"]
        if not checked.report.valid:
            # Fail closed even when the blocking check did not stop us (e.g. this asset run on its own).
            raise dg.Failure(description=f"{did}: the checked file has {checked.report.errors} errors; nothing was released.")
        result = stages.release(ws, declaration, checked, cleaned["source"], run_id=context.run_id)
        outcome = stages.Outcome(did, cleaned["source"], True, checked.report.to_dict(), release=result)
        stages.record(ws, outcome)
        _retire(ws, did, cleaned["source"], accepted=True)
        from publish.config import load_config

        url = f"{load_config(ws)['baseUrl']}datasets/{did}/{result.version}/"
        context.log.info(outcome.message)
        return dg.MaterializeResult(metadata={"version": result.version, "unchanged": result.unchanged,
                                              "change": result.change, "url": dg.MetadataValue.url(url),
                                              "rows": checked.report.rows,
                                              "source_sha256": cleaned["source"]["sha256"]})

    return [raw, clean, release]


def _pick(ws: Workspace, dataset: str, file: str):
    if file:
        path = (ws.inbox / file).resolve()
        if not path.is_file() or ws.inbox.resolve() not in path.parents:
            raise dg.Failure(description=f"{file} is not a file in inbox/")
        return stages.Dropped(dataset, path, stages.sha256_bytes(path.read_bytes()))
    ledger = stages.read_ledger(ws)
    for dropped in stages.scan_inbox(ws, settle=False):
        guessed = dropped.dataset or stages.guess_dataset(ws, dropped.path.read_bytes(), dropped.path.name)
        if guessed == dataset and dropped.sha256 not in ledger:
            dropped.dataset = guessed
            return dropped
    return None


def _retire(ws: Workspace, dataset: str, source: dict, accepted: bool) -> None:
    """Move the processed file out of inbox/ (the snapshot and quarantine keep the bytes)."""
    rel = source.get("inbox_path")
    if rel and (ws.root / rel).is_file():
        path = ws.root / rel
        stages.file_away(ws, stages.Dropped(dataset, path, source["sha256"]), accepted)


def build_portal_asset(all_ids: list[str]):
    @dg.asset(key=dg.AssetKey(["portal"]), group_name="portal", kinds={"html"}, retry_policy=IO_RETRY,
              deps=[dg.AssetKey([d, "release"]) for d in all_ids],
              check_specs=[dg.AssetCheckSpec("verify", asset=dg.AssetKey(["portal"]),
                                             description="Every published file matches its SHA256SUMS manifest "
                                                         "and each dataset's `latest` resolves.")],
              description="The static portal in site/: pages, downloads, DCAT, CKAN API, feeds, sitemap.")
    def portal(context: dg.AssetExecutionContext, terbuka: TerbukaResource):
        from publish.portal import build_site
        from publish.releases import recover_all

        ws = terbuka.workspace()
        recover_all(ws)
        written = build_site(ws)
        from publish.verify import verify_site

        checked = verify_site(ws)
        problems = checked.missing + checked.changed + checked.extra + checked.broken
        yield dg.MaterializeResult(metadata={"files_written": len(written),
                                             "index": dg.MetadataValue.path(str(ws.site / "index.html"))})
        yield dg.AssetCheckResult(check_name="verify", passed=checked.ok, metadata={
            "files_checked": checked.checked, "problems": len(problems),
            "first_problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:20]) or "none"),
            "stale_latest": len(checked.stale)})

    return portal
