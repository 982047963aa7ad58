"""Canonical data files of a release: RFC 4180 UTF-8 CSV, typed zstd Parquet, Data Package v2 descriptor, and the
files derived from the same table at release time (XLSX, Fiscal Data Package), so each is in the version's
manifest and never changes.

Every CSV starts with a UTF-8 byte-order mark: without it Excel reads a CSV in the Windows code page
(Windows-1252 on Indonesian and English Windows) and garbles every character beyond ASCII ("–" becomes
"â€“"). The delimiter stays the comma of the Satu Data convention and of the Data Package dialect; Excel with
Indonesian regional settings splits a double-clicked CSV on its list separator, the semicolon, so the portal
points Excel users to data.xlsx, or to Data > From Text/CSV, which reads the comma and, with the mark, UTF-8.
Readers that do not skip the mark themselves read the files as `utf-8-sig` (pandas, pyarrow, DuckDB, R's
readr and frictionless skip it)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from publish.declarations import Declaration
from publish.files import sha256_file
from publish.fiscal import mapping, write_fiscal_package
from publish.tally import Tally
from publish.workbook import MEDIATYPE as XLSX_MEDIATYPE
from publish.workbook import write_workbook
from publish.worktable import WorkTable

DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


def arrow_schema(declaration: Declaration) -> pa.Schema:
    """The Parquet schema: declared types, with each field's description in its metadata."""
    types = {"integer": pa.int64(), "year": pa.int64(), "number": pa.float64(), "date": pa.date32(),
             "boolean": pa.bool_()}
    fields = []
    for spec in declaration.fields:
        meta = {"description": spec.get("description", ""), "title": spec.get("title", spec["name"])}
        if spec.get("terbuka:description_en"):
            meta["description_en"] = spec["terbuka:description_en"]
        fields.append(pa.field(spec["name"], types.get(spec.get("type", "string"), pa.string()),
                               metadata={k: v.encode() for k, v in meta.items()}))
    return pa.schema(fields, metadata={b"terbuka:dataset": declaration.id.encode()})


def conform(table: pa.Table, declaration: Declaration) -> pa.Table:
    """Only the declared columns, in declared order and type. An optional column the table lacks (one added to
    the declaration after the table was made) is empty, as it would be read from a file without it; a missing
    required or key column is an error."""
    schema = arrow_schema(declaration)
    optional = {f["name"] for f in declaration.fields if not (f.get("constraints") or {}).get("required")
                and f["name"] not in declaration.primary_key}
    columns = []
    for f in schema:
        if f.name in table.column_names or f.name not in optional:
            columns.append(table.column(f.name).cast(f.type))
        else:
            columns.append(pa.nulls(table.num_rows, f.type))
    return pa.Table.from_arrays(columns, schema=schema)


BOM = b"\xef\xbb\xbf"
XLSX = "data.xlsx"
FISCAL_DESCRIPTOR, FISCAL_DATA = "fiscal-datapackage.json", "fiscal-data.csv"


CSV_OPTIONS = pacsv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed")
PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}
ROW_GROUP = 65_536  # rows per Parquet row group when rows arrive in batches (the writer holds one, encoded)


def _batches(rows: pa.Table | pa.RecordBatchReader, schema: pa.Schema | None):
    """(schema, batches): a table's, or a reader's batches cast to `schema` (the declared types and field
    metadata; a reader from DuckDB gives the same types without the metadata)."""
    schema = schema or rows.schema
    if isinstance(rows, pa.Table):
        return schema, rows.cast(schema).to_batches()
    return schema, (batch if batch.schema == schema else batch.cast(schema) for batch in rows)


def write_csv(rows: pa.Table | pa.RecordBatchReader, path: Path, schema: pa.Schema | None = None) -> str:
    """RFC 4180 CSV in UTF-8 with a byte-order mark (see the module's note), CRLF, quoted only where needed;
    returns its SHA-256. Batch by batch the bytes are those of one write of the whole table (Arrow writes each
    row on its own)."""
    with Tally.create(path) as sink:
        sink.write(BOM)
        if isinstance(rows, pa.Table) and schema is None:
            pacsv.write_csv(rows, sink, write_options=CSV_OPTIONS)
        else:
            schema, batches = _batches(rows, schema)
            with pacsv.CSVWriter(sink, schema, write_options=CSV_OPTIONS) as writer:
                for batch in batches:
                    writer.write_batch(batch)
        return sink.hexdigest()


def write_parquet(rows: pa.Table | pa.RecordBatchReader, path: Path, schema: pa.Schema | None = None) -> str:
    """Typed zstd Parquet: a table at once, or batches gathered into row groups of ROW_GROUP rows; returns its
    SHA-256."""
    with Tally.create(path) as file, pa.output_stream(file, buffer_size=1 << 20) as sink:
        if isinstance(rows, pa.Table) and schema is None:
            pq.write_table(rows, sink, **PARQUET_OPTIONS)
        else:
            schema, batches = _batches(rows, schema)
            with pq.ParquetWriter(sink, schema, **PARQUET_OPTIONS) as writer:
                group, size = [], 0
                for batch in batches:
                    group.append(batch)
                    size += batch.num_rows
                    if size >= ROW_GROUP:
                        writer.write_table(pa.Table.from_batches(group, schema), row_group_size=ROW_GROUP)
                        group, size = [], 0
                if group:
                    writer.write_table(pa.Table.from_batches(group, schema), row_group_size=ROW_GROUP)
    return file.hexdigest()


def published_schema(declaration: Declaration) -> dict:
    """The Table Schema as published: foreign keys into other datasets move to `terbuka:foreignKeys`,
    since a Data Package can only resolve references to its own resources."""
    schema = copy.deepcopy(declaration.schema)
    schema["$schema"] = TABLE_SCHEMA_PROFILE
    local, external = [], []
    for fk in schema.pop("foreignKeys", []) or []:
        target = fk["reference"].get("resource") or ""
        if target in ("", declaration.id):
            fk = copy.deepcopy(fk)
            fk["reference"]["resource"] = declaration.id
            local.append(fk)
        else:
            external.append(fk)
    if local:
        schema["foreignKeys"] = local
    if external:
        schema["terbuka:foreignKeys"] = external
    for spec in schema["fields"]:
        if spec.get("type") == "string" and "format" in spec and spec["format"] == "uri":
            spec.pop("format")  # frictionless rejects relative/empty URIs that JDIH exports contain
    return schema


def resource_entry(declaration: Declaration, name: str, path: Path, rows: int, title: str,
                   sha256: str | None = None) -> dict:
    """A Data Resource for one CSV file, with the bytes and hash frictionless checks (`sha256`: known already)."""
    return {
        "$schema": RESOURCE_PROFILE,
        "name": name,
        "title": title,
        "type": "table",
        "path": path.name,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": "sha256:" + (sha256 or sha256_file(path)),
        "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                    "delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": published_schema(declaration),
        "terbuka:rows": rows,
    }


def file_entry(path: Path, fmt: str, mediatype: str, title: str | None = None, sha256: str | None = None) -> dict:
    entry = {"path": path.name, "format": fmt, "mediatype": mediatype, "bytes": path.stat().st_size,
             "hash": "sha256:" + (sha256 or sha256_file(path))}
    if title:
        entry["title"] = title
    return entry


def producers(declaration: Declaration) -> list[str]:
    """The organisations that produce the data (contributors with the role `creator`)."""
    people = declaration.descriptor.get("contributors") or []
    return [c["title"] for c in people if c.get("title") and "creator" in (c.get("roles") or [])]


def write_derived(stage: Path, work: WorkTable, select: str, rows: int, declaration: Declaration,
                  about: dict) -> list[dict]:
    """Files derived from the release rows (`select`, a query over `work` giving the declared columns in
    order), written beside data.csv so the manifest covers them: data.xlsx always, the Fiscal Data Package
    when the dataset declares a fiscal mapping; both in batches, from DuckDB. `about`: version, created,
    base_url, publisher. Returns their `terbuka:files` entries."""
    url = f"{about['base_url']}datasets/{declaration.id}/{about['version']}/"
    schema = arrow_schema(declaration)
    _, batches = _batches(work.reader(select), schema)
    write_workbook(pa.RecordBatchReader.from_batches(schema, batches), stage / XLSX, declaration,
                   {"version": about["version"], "created": about["created"], "url": url,
                    "producers": producers(declaration), "publisher": about.get("publisher")}, rows=rows)
    title = declaration.resource.get("title", declaration.id)
    out = [file_entry(stage / XLSX, "xlsx", XLSX_MEDIATYPE, f"{title} (XLSX)")]
    if mapping(declaration) is not None:
        package = {"version": about["version"], "id": url + FISCAL_DESCRIPTOR, "homepage": url,
                   "created": about["created"]}
        with Tally.create(stage / FISCAL_DATA) as sink:
            descriptor = write_fiscal_package(declaration, work.con, select, schema, sink, package,
                                              data_path=FISCAL_DATA)
            data_hash = sink.hexdigest()
        (stage / FISCAL_DESCRIPTOR).write_text(dumps(descriptor), encoding="utf-8")
        out += [file_entry(stage / FISCAL_DESCRIPTOR, "json", "application/json", "Fiscal Data Package (deskriptor)"),
                file_entry(stage / FISCAL_DATA, "csv", "text/csv", "Fiscal Data Package (CSV)", data_hash)]
    return out


def datapackage(declaration: Declaration, version: str, created: str, resources: list[dict],
                alternates: list[dict], base_url: str) -> dict:
    """The release's datapackage.json: the declared metadata, this version, and its files."""
    descriptor = {k: v for k, v in declaration.descriptor.items() if k not in ("resources", "$schema")}
    return {
        "$schema": DATAPACKAGE_PROFILE,
        **descriptor,
        "version": version,
        "created": created,
        "homepage": f"{base_url}datasets/{declaration.id}/{version}/",
        "id": f"{base_url}datasets/{declaration.id}/{version}/",
        "resources": resources,
        "terbuka:files": alternates,
    }


def dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"
