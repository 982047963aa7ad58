"""Dagster assets built from declarations: per dataset one step that takes a file through the one path
(assets.flow) and materialises <dataset>/raw, <dataset>/clean and <dataset>/release; then the portal."""


import json
import re
import textwrap
import time
import warnings
from contextlib import nullcontext

import dagster as dg

from assets.failures import SYSTEM_ERRORS, describe_failure
from assets.flow import Intake, Outcome, process_file, reprocess
from assets.inbox import Dropped, file_state, pending_files
from assets.regions import REGION_DIMENSION, YEAR_DIMENSION, region_partition, region_sources
from assets.validation import Checked
from publish.declarations import Declaration
from publish.held import find_held
from publish.links import broken_links
from publish.progress import Listener, Task, describe, listening, reporting
from publish.promote import NothingToPromote, build_preview
from publish.promote import promote as promote_preview
from publish.quarantine import inert_markdown, report_markdown
from publish.report import Report
from publish.verify import verify_all
from publish.workspace import Workspace

CHECKS = {
    "structure": ("Frictionless structure: types, required, unique, enum, pattern, ranges, keys and foreign keys.",
                  {"type-error", "constraint-error", "unique-error", "primary-key", "foreign-key", "missing-label",
                   "duplicate-label", "extra-cell", "missing-cell", "source-error", "ambiguous-number",
                   "not-whole-number", "zero-date", "ambiguous-date", "blank-row", "extra-label"}),
    "business_rules": ("Business rules declared in expectations.json (Great Expectations types, evaluated as DuckDB SQL).", {"business-rule"}),
    "personal_data": ("No NIK, NPWP, phone numbers or e-mail addresses in text columns; no formula-leading cells.",
                      {"personal-data", "formula-injection"}),
}
DATASET_TAG = "terbuka/dataset"  # runs of one dataset are serialised on this tag (see dagster.yaml)
OUTCOME_TAG = "terbuka/outcome"  # what the run's files came to, shown in the Runs list
OUTCOME_ORDER = ["unchanged", "published", "changed", "held", "rejected", "unusable", "system"]


class RunLog(Listener):
    """Progress of long work as plain lines in the run's log: when a task starts, every EVERY seconds, at its end."""

    EVERY = 10.0

    def __init__(self, log):
        self.log, self.said = log, {}

    def start(self, task: Task) -> None:
        self.said[id(task)] = time.monotonic()

    def update(self, task: Task) -> None:
        if time.monotonic() - self.said.get(id(task), 0) >= self.EVERY:
            self.said[id(task)] = time.monotonic()
            self.log.info(describe(task))

    def end(self, task: Task) -> None:
        if time.monotonic() - self.said.pop(id(task), time.monotonic()) >= 1.0:
            self.log.info(describe(task))  # only long tasks: a small file's run log stays short


def job_name(dataset: str) -> str:
    return f"{dataset}_job"


def op_name(dataset: str) -> str:
    """The step that processes a file for `dataset` (its run config goes under this name)."""
    return f"{dataset.replace('-', '_')}__file"


class FileConfig(dg.Config):
    """Which file a run takes. `file`: relative to the workspace (inbox/<dataset>/<name>, or a file handed
    over on the command line); empty = the oldest waiting for this dataset (and year), else, in a year's
    partition, the files behind that year of the latest release (a backfill). `sha256`: the bytes the run
    was started for. `confirm`: the SHA-256 (or its first 16 characters) of a held file an officer confirms."""

    file: str = ""
    sha256: str = ""
    confirm: str = ""


def years_name(dataset: str) -> str:
    """The name of a dataset's fiscal-year partitions (one set per dataset: only its own years are shown)."""
    return f"{dataset.replace('-', '_')}_fiscal_years"


def fiscal_year_partitions(dataset: str) -> dg.DynamicPartitionsDefinition:
    """One partition per fiscal year a file for this dataset has arrived for: a year is added when its first
    file is taken (by the sensor or a command), within assets.calendar.fiscal_years(), so years before the
    first published one are never offered as missing."""
    return dg.DynamicPartitionsDefinition(name=years_name(dataset))


def regions_name(dataset: str) -> str:
    """The name of a dataset's region partitions (in a workspace serving several regions)."""
    return f"{dataset.replace('-', '_')}_regions"


def region_year_partitions(dataset: str) -> dg.MultiPartitionsDefinition:
    """Region x fiscal year, for a workspace serving several regions: a file for one region and year re-processes
    that pair only. Both dimensions are dynamic: a pair is added when its first file is taken, so regions and
    years nobody sent are never offered as missing."""
    return dg.MultiPartitionsDefinition({REGION_DIMENSION: dg.DynamicPartitionsDefinition(name=regions_name(dataset)),
                                         YEAR_DIMENSION: fiscal_year_partitions(dataset)})


def partition_key(dataset_regions: bool, year: str | None, region: str | None) -> str | None:
    """The run's partition key for a file's year (and region, for a dataset split by region)."""
    if year is None or not dataset_regions:
        return year
    return dg.MultiPartitionKey({REGION_DIMENSION: region, YEAR_DIMENSION: year})


def shorten(text: str, width: int) -> str:
    """Cut on a word boundary, never mid-word."""
    return textwrap.shorten(text, width, placeholder=" …") if len(text) > width else text


def _claims(name: str, problem_type: str) -> bool:
    """Which check reports a problem type; structure takes every type no other check names, so a new kind
    of error can never slip past all three checks."""
    if name == "structure":
        return not any(problem_type in types for other, (_, types) in CHECKS.items() if other != name)
    return problem_type in CHECKS[name][1]


def _check_result(name: str, report: Report, asset_key: dg.AssetKey, reports: list[str]) -> dg.AssetCheckResult:
    groups = [g for g in report.groups() if _claims(name, g["type"])]
    errors = sum(g["count"] for g in groups if g["severity"] == "error")
    warnings = sum(g["count"] for g in groups if g["severity"] == "warning")
    rows = [dg.TableRecord({"severity": g["severity"], "type": g["type"], "field": g["field"] or "",
                            "count": g["count"], "first_row": (g["examples"][0]["row"] if g["examples"] else None) or 0,
                            "note": shorten(g["note"], 200)}) for g in groups[:20]]
    table = dg.MetadataValue.table(rows, schema=dg.TableSchema(columns=[
        dg.TableColumn("severity"), dg.TableColumn("type"), dg.TableColumn("field"),
        dg.TableColumn("count", "int"), dg.TableColumn("first_row", "int"), dg.TableColumn("note")]))
    metadata = {"errors": errors, "warnings": warnings, "first_problems": table}
    summary = None
    if errors:
        first = groups[0]
        summary = shorten(f"{errors} kesalahan / errors — {first.get('note_id') or first['note']} / {first['note']}", 500)
        metadata["report"] = dg.MetadataValue.md(report_markdown(report))  # readable in the UI from any browser
        if reports:
            metadata["quarantine_report"] = dg.MetadataValue.path(reports[0])
    return dg.AssetCheckResult(
        asset_key=asset_key, check_name=name, passed=errors == 0, description=summary,
        severity=dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN, metadata=metadata)


def _merged(checks: list[Checked]) -> Report:
    """One report for the files a run checked (a backfill may re-check several)."""
    if len(checks) == 1:
        return checks[0].report
    report = Report(dataset=checks[0].report.dataset, source=", ".join(c.report.source for c in checks))
    for c in checks:
        report.problems += c.report.problems
        for key, n in c.report.counts.items():
            report.counts[key] = report.counts.get(key, 0) + n
        report.rows += c.report.rows
        report.unusable = report.unusable or c.report.unusable
    return report


def _preview(table, rows: int = 10) -> dg.MarkdownMetadataValue:
    names = [n for n in table.column_names if not n.startswith("__")][:8]
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for record in table.slice(0, rows).select(names).to_pylist():
        lines.append("| " + " | ".join("" if record[n] is None else inert_markdown(record[n]) for n in names) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def _column_schema(declaration: Declaration) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(name=f["name"], type=f.get("type", "string"), description=f.get("description"),
                       constraints=dg.TableColumnConstraints(
                           nullable=not (f.get("constraints") or {}).get("required"),
                           unique=bool((f.get("constraints") or {}).get("unique"))))
        for f in declaration.fields])


def _check_specs(raw_key: dg.AssetKey, partitions) -> list[dg.AssetCheckSpec]:
    """The three checks of a received file; partitioned like it, so each result names its fiscal year (a
    preview feature of Dagster 1.13: its warning is expected here and silenced here only)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return [dg.AssetCheckSpec(name, asset=raw_key, description=CHECKS[name][0], partitions_def=partitions)
                for name in CHECKS]


def owners_of(declaration: Declaration) -> list[str]:
    """The teams that produce a dataset, from its declaration's contributors (Dagster wants `team:` names)."""
    teams = [c["title"] for c in declaration.descriptor.get("contributors") or []
             if c.get("title") and ("publisher" in (c.get("roles") or []) or "author" in (c.get("roles") or []))]
    return [f"team:{re.sub(r'[^a-z0-9]+', '_', t.lower()).strip('_')}" for t in teams][:3]


def build_dataset_assets(declaration: Declaration, all_ids: list[str], regions: bool = False) -> dg.AssetsDefinition:
    """One step per run for one declared dataset: raw (the file and its blocking checks), clean (the typed
    table that passed them) and release (the immutable version), all through assets.flow.process_file.
    `regions`: partitioned by region x fiscal year (assets.regions.split_by_region), else by fiscal year."""
    did = declaration.id
    raw_key, clean_key, release_key = dg.AssetKey([did, "raw"]), dg.AssetKey([did, "clean"]), dg.AssetKey([did, "release"])
    title = declaration.title["id"]
    partitions = None
    if declaration.partition:
        partitions = region_year_partitions(did) if regions else fiscal_year_partitions(did)
    by_year = (" One partition per region and fiscal year." if regions else " One partition per fiscal year.") \
        if partitions else ""
    refs = [dg.AssetKey([d, "release"]) for d in declaration.depends_on if d in all_ids]
    specs = [
        dg.AssetSpec(raw_key, group_name=did, kinds={"file"}, skippable=True, owners=owners_of(declaration),
                     description=f"{title}: the file an officer dropped into inbox/, kept byte for byte with its "
                                 "SHA-256 in state/raw/, and its blocking checks (Frictionless structure, Great "
                                 "Expectations rules, personal data). A failing check quarantines the file; nothing "
                                 "downstream changes." + by_year),
        dg.AssetSpec(clean_key, group_name=did, kinds={"pandas"}, skippable=True, owners=owners_of(declaration), deps=[raw_key, *refs],
                     description=f"{title}: the file's rows parsed into typed columns, materialised only when every "
                                 "blocking check passed."),
        dg.AssetSpec(release_key, group_name=did, kinds={"parquet", "csv"}, skippable=True, owners=owners_of(declaration), deps=[clean_key],
                     description=f"{title}: an immutable versioned release (CSV, Parquet, datapackage.json, diff, "
                                 f"checksums, provenance) in the release store, state/releases/datasets/{did}/<version>/; "
                                 f"public at site/datasets/{did}/<version>/ once the portal is promoted." + by_year),
    ]

    @dg.multi_asset(name=op_name(did), specs=specs, partitions_def=partitions, can_subset=False,
                    check_specs=_check_specs(raw_key, partitions),
                    description=f"Take one file for {did} through read, checks, quarantine or release, and record."
                                + (" Without a file, a year's run re-processes the files behind that year of the "
                                   "latest release (a backfill)." if partitions else ""))
    def process(context: dg.AssetExecutionContext, config: FileConfig, terbuka: dg.ResourceParam[Workspace]):
        region, year = region_partition(context.partition_key if partitions else None)
        intakes = _intakes(terbuka, declaration, config, year, region)
        if not intakes:
            context.log.info(f"Tidak ada berkas menunggu untuk {did} / no file waiting for {did}"
                             + (f" ({region + ' ' if region else ''}{year})" if year else ""))
            return
        outcomes = []
        # the command line shows progress its own way; a run the daemon launched tells its run log
        with nullcontext() if listening() else reporting(RunLog(context.log)):
            for intake in intakes:
                outcome = process_file(terbuka, intake, run_id=context.run_id)
                context.log.info(outcome.message(terbuka))
                outcomes.append(outcome)
        again = all(terbuka.raw.resolve() in i.path.resolve().parents and not i.confirm for i in intakes)
        yield from _events(context, terbuka, declaration, outcomes, (raw_key, clean_key, release_key), again)

    return process


def _intakes(ws: Workspace, declaration: Declaration, config: FileConfig, year: str | None,
             region: str | None = None) -> list[Intake]:
    """The files a run takes; in a region's partition only that region's, each checked row by row to be for it
    (a row of another region rejects the file, in the officer's words, before anything is written)."""
    intakes = _intakes_of_year(ws, declaration, config, year, region)
    if region is None:
        return intakes
    if not config.file and not config.confirm and intakes and intakes[0].dropped is None:  # a region's backfill
        behind = region_sources(ws, declaration, region, year)
        intakes = [i for i in intakes if i.sha256 in behind]
    for intake in intakes:
        intake.region = region
    return intakes


def _intakes_of_year(ws: Workspace, declaration: Declaration, config: FileConfig, year: str | None,
                     region: str | None) -> list[Intake]:
    did = declaration.id
    if config.confirm and not config.file:
        held = find_held(ws, did, config.confirm)
        if held is None:
            raise dg.Failure(description=f"Tidak ada berkas {did} yang ditahan dengan SHA-256 {config.confirm} / "
                                         f"no held {did} file has SHA-256 {config.confirm}")
        return [Intake(did, ws.root / held["raw"], sha256=held["sha256"], year=held.get("year") or year,
                       confirm=held["sha256"])]
    if config.file:
        path = (ws.root / config.file).resolve()
        allowed = [ws.inbox.resolve(), ws.incoming.resolve(), ws.raw.resolve()]
        if not any(folder in path.parents for folder in allowed) or not path.is_file():
            raise dg.Failure(description=f"{config.file} bukan berkas di inbox/ / is not a file in inbox/")
        dropped = None
        if ws.inbox.resolve() in path.parents:
            dropped = Dropped(did, path, config.sha256, year, state=file_state(path.stat()))
        return [Intake(did, path, sha256=config.sha256 or None, year=year, dropped=dropped,
                       confirm=config.confirm or None)]
    waiting = [d for d in pending_files(ws, settle=False).pending
               if d.dataset == did and (year is None or d.year == year) and (region is None or d.region == region)]
    if waiting:
        d = waiting[0]
        return [Intake(did, d.path, sha256=d.sha256, year=year, dropped=d)]
    return reprocess(ws, declaration, year) if year else []


def _when_live(context, ws: Workspace) -> str:
    """When the version reaches site/: said from what this run will really do."""
    if not ws.config.promotes_automatically:
        return "after promotion (terbuka promote / promote_job)"
    if dg.AssetKey(["portal"]) in (context.run.asset_selection or set()):
        return "with this run's portal step"
    return "when the portal follows (its automation sensor, portal_after_releases, or the 02:00 rebuild)"


def _events(context, ws: Workspace, declaration: Declaration, outcomes: list[Outcome], keys, reprocess: bool):
    """Dagster events that tell the truth about what the files came to. Released files materialise raw, clean
    and release; a file rejected, held or changed is recorded as an observation of raw with its cause, and
    clean and release keep showing the live version (never "failed" for the officer's own data problem).
    The checks carry the full report as Markdown. Only a failure of the system fails the step."""
    raw_key, clean_key, release_key = keys
    released = [o for o in outcomes if o.accepted]
    for o in outcomes:
        if not o.accepted and o.status != "system":
            yield dg.AssetObservation(asset_key=raw_key, partition=context.partition_key if context.has_partition_key else None,
                                      description=shorten(o.message(ws), 1000), metadata={
                "file": o.name, "sha256": o.source.get("sha256", ""), "outcome": o.status,
                "report": dg.MetadataValue.path(ws.rel(o.quarantine / "report.html")) if o.quarantine else "",
                "terbuka/outcome": dg.MetadataValue.json([o.summary(ws)])})
    if released:
        sources = [o.source for o in released]
        yield dg.MaterializeResult(asset_key=raw_key, metadata={
            "files": ", ".join(s["name"] for s in sources), "sha256": ", ".join(s["sha256"] for s in sources),
            "bytes": sum(s["bytes"] for s in sources), "snapshot": sources[0]["path"], "reprocess": reprocess})
    checked = [o for o in outcomes if o.checked is not None]
    if checked:
        report = _merged([o.checked for o in checked])
        for name in CHECKS:
            yield _check_result(name, report, raw_key, [ws.rel(o.quarantine / "report.html") for o in checked
                                                        if o.quarantine])
    if released:
        tables = [o.checked.head for o in released if o.checked.head is not None]  # the rows stay in DuckDB
        metadata = {"dagster/row_count": sum(o.checked.report.rows for o in released),
                    "errors": 0, "warnings": sum(o.checked.report.warnings for o in released),
                    "dagster/column_schema": _column_schema(declaration)}
        if tables:
            metadata["preview"] = _preview(tables[0])
        yield dg.MaterializeResult(asset_key=clean_key, metadata=metadata)
        last = released[-1].release
        yield dg.MaterializeResult(asset_key=release_key, metadata={
            "version": last.version, "unchanged": all(o.release.unchanged for o in released), "change": last.change,
            "url": dg.MetadataValue.url(f"{ws.config.base_url}datasets/{declaration.id}/{last.version}/"),
            "live": _when_live(context, ws),
            "release_rows": last.entry["rows"], "dagster/row_count": last.entry["rows"],
            "file_rows": sum(o.checked.report.rows for o in released),
            "source_files": ", ".join(o.name for o in released),
            "source_sha256": ", ".join(o.source["sha256"] for o in released),
            "release_folder": ws.rel(last.path),
            "terbuka/outcome": dg.MetadataValue.json([o.summary(ws) for o in released])})
    worst = max((o.status for o in outcomes), key=lambda s: OUTCOME_ORDER.index(s))
    context.instance.add_run_tags(context.run_id, {OUTCOME_TAG: worst})  # shown in the Runs list
    failed = [o for o in outcomes if o.status == "system"]
    if failed:
        raise dg.Failure(description="\n".join(o.message(ws) for o in failed),
                         metadata={"terbuka/outcome": dg.MetadataValue.json([o.summary(ws) for o in failed])},
                         allow_retries=False)
    for o in outcomes:
        if not o.accepted:
            context.log.warning(o.message(ws))


def build_portal_assets(all_ids: list[str], owners: list[str] | None = None, promote: bool = True) -> list:
    """`preview` renders the portal into state/preview/; `portal` promotes it to site/; `verify` checks both.
    `owners`: who answers for the portal (the publisher's e-mail). The preview follows any new release on its
    own (Dagster's automation, also after a UI backfill); the portal too, but only when promotion is `auto`."""
    owners = owners or []
    follow = dg.AutomationCondition.eager()

    @dg.asset(key=dg.AssetKey(["preview"]), group_name="portal", kinds={"html"}, owners=owners,
              automation_condition=follow,
              deps=[dg.AssetKey([d, "release"]) for d in all_ids],
              description="The portal rendered into state/preview/ for a look before it goes live "
                          "(open state/preview/index.html). Nothing public changes here.")
    def preview(context: dg.AssetExecutionContext, terbuka: dg.ResourceParam[Workspace]):
        try:
            written = build_preview(terbuka)
        except SYSTEM_ERRORS as exc:
            said_id, said_en = describe_failure(terbuka, exc, done_id="pratinjau portal tidak diperbarui",
                                                done_en="the portal preview was not updated", where=terbuka.preview)
            raise dg.Failure(description=f"{said_id}\n{said_en}", allow_retries=False) from None
        return dg.MaterializeResult(metadata={"files_written": len(written),
                                              "preview": dg.MetadataValue.path(terbuka.rel(terbuka.preview / "index.html"))})

    @dg.asset(key=dg.AssetKey(["portal"]), group_name="portal", kinds={"html"}, deps=[dg.AssetKey(["preview"])],
              owners=owners, automation_condition=follow if promote else None,
              description="Promote the previewed portal to site/ (a copy of state/preview/, the folder deployed "
                          "as-is to the public host). Its `verify` check then re-hashes and follows links.")
    def portal(context: dg.AssetExecutionContext, terbuka: dg.ResourceParam[Workspace]):
        try:
            written = promote_preview(terbuka)  # a copy of what the officer previewed, not a fresh rendering
        except NothingToPromote as exc:
            raise dg.Failure(description=f"Belum ada pratinjau / no preview yet: {exc}. "
                                         "Materialize `preview` first.", allow_retries=False) from None
        except SYSTEM_ERRORS as exc:
            said_id, said_en = describe_failure(terbuka, exc, done_id="portal publik (site/) tidak diperbarui",
                                                done_en="the public portal (site/) was not updated", where=terbuka.site)
            raise dg.Failure(description=f"{said_id}\n{said_en}", allow_retries=False) from None
        return dg.MaterializeResult(metadata={"files_written": len(written),
                                              "index": dg.MetadataValue.path(terbuka.rel(terbuka.site / "index.html"))})

    @dg.asset_check(asset=dg.AssetKey(["portal"]), name="verify",
                    description="Every file in the release store and site/ matches its SHA256SUMS manifest and its "
                                "records, each dataset's `latest` is the newest live version, no run left anything "
                                "behind and no internal link is broken. Runs after each promotion and every night.")
    def verify(context: dg.AssetCheckExecutionContext, terbuka: dg.ResourceParam[Workspace]) -> dg.AssetCheckResult:
        checked = verify_all(terbuka)
        links = broken_links(terbuka.site) if terbuka.site.is_dir() else []
        problems = checked.problems + [f"{page}: broken link {ref}" for page, ref in links]
        return dg.AssetCheckResult(passed=not problems, metadata={
            "files_checked": checked.checked, "problems": len(problems), "broken_links": len(links),
            "first_problems": dg.MetadataValue.md("\n".join(f"- {p}" for p in problems[:20]) or "none"),
            "stale": len(checked.stale)}, description=json.dumps(problems[:3], ensure_ascii=False) if problems else None)

    return [preview, portal, verify]
