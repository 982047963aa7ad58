"""Canonical data files of a release: RFC 4180 UTF-8 CSV, typed zstd Parquet, Data Package v2 descriptor."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from publish.declarations import Declaration
from publish.files import sha256_file

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
    """Only the declared columns, in declared order and type."""
    schema = arrow_schema(declaration)
    return pa.Table.from_arrays([table.column(f.name).cast(f.type) for f in schema], schema=schema)


def write_csv(table: pa.Table, path: Path) -> None:
    options = pacsv.WriteOptions(include_header=True, eol="\r\n", quoting_style="needed")
    pacsv.write_csv(table, path, write_options=options)


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


def file_entry(path: Path, fmt: str, mediatype: str) -> dict:
    return {"path": path.name, "format": fmt, "mediatype": mediatype, "bytes": path.stat().st_size,
            "hash": "sha256:" + sha256_file(path)}


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
