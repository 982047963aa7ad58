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
from publish.fiscal import fiscal_package, mapping
from publish.workbook import MEDIATYPE as XLSX_MEDIATYPE
from publish.workbook import write_workbook

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


def write_csv(table: pa.Table, path: Path) -> None:
    """RFC 4180 CSV in UTF-8 with a byte-order mark (see the module's note), CRLF, quoted only where needed."""
    options = pacsv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed")
    with open(path, "wb") as fh:
        fh.write(BOM)
        pacsv.write_csv(table, fh, write_options=options)


def write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", use_dictionary=True, write_statistics=True)


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


def resource_entry(declaration: Declaration, name: str, path: Path, rows: int, title: str) -> dict:
    """A Data Resource for one CSV file, with the bytes and hash frictionless checks."""
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
        "hash": "sha256:" + sha256_file(path),
        "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json",
                    "delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": published_schema(declaration),
        "terbuka:rows": rows,
    }


def file_entry(path: Path, fmt: str, mediatype: str, title: str | None = None) -> dict:
    entry = {"path": path.name, "format": fmt, "mediatype": mediatype, "bytes": path.stat().st_size,
             "hash": "sha256:" + sha256_file(path)}
    if title:
        entry["title"] = title
    return entry


def producers(declaration: Declaration) -> list[str]:
    """The organisations that produce the data (contributors with the role `creator`)."""
    people = declaration.descriptor.get("contributors") or []
    return [c["title"] for c in people if c.get("title") and "creator" in (c.get("roles") or [])]


def write_derived(stage: Path, table: pa.Table, declaration: Declaration, about: dict) -> list[dict]:
    """Files derived from the release table, written beside data.csv so the manifest covers them: data.xlsx
    always, the Fiscal Data Package when the dataset declares a fiscal mapping. `about`: version, created,
    base_url, publisher. Returns their `terbuka:files` entries."""
    url = f"{about['base_url']}datasets/{declaration.id}/{about['version']}/"
    write_workbook(table, stage / XLSX, declaration,
                   {"version": about["version"], "created": about["created"], "url": url,
                    "producers": producers(declaration), "publisher": about.get("publisher")})
    title = declaration.resource.get("title", declaration.id)
    out = [file_entry(stage / XLSX, "xlsx", XLSX_MEDIATYPE, f"{title} (XLSX)")]
    if mapping(declaration) is not None:
        package = {"version": about["version"], "id": url + FISCAL_DESCRIPTOR, "homepage": url,
                   "created": about["created"]}
        descriptor, data = fiscal_package(declaration, table, package, data_path=FISCAL_DATA)
        (stage / FISCAL_DATA).write_bytes(data)
        (stage / FISCAL_DESCRIPTOR).write_text(dumps(descriptor), encoding="utf-8")
        out += [file_entry(stage / FISCAL_DESCRIPTOR, "json", "application/json", "Fiscal Data Package (deskriptor)"),
                file_entry(stage / FISCAL_DATA, "csv", "text/csv", "Fiscal Data Package (CSV)")]
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
