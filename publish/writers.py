"""Canonical data files of a release: RFC 4180 UTF-8 CSV, typed zstd Parquet, Data Package v2 descriptor."""

from __future__ import annotations

import copy
import hashlib
import io
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


class _Hashed(io.RawIOBase):
    """A file hashed as it is written, so a large file is never read back just for its SHA-256."""

    def __init__(self, path: Path):
        super().__init__()
        self.file = open(path, "wb")
        self.digest = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        return self.file.write(data)

    def close(self) -> None:
        if not self.closed:
            self.file.close()
        super().close()


def write_csv(rows: pa.Table | pa.RecordBatchReader, path: Path, schema: pa.Schema | None = None) -> str:
    """data.csv: RFC 4180 with CRLF, a header, every text quoted; returns its SHA-256. Batch by batch the bytes
    are those of one write of the whole table (Arrow writes each row on its own)."""
    with _Hashed(path) as sink:
        if isinstance(rows, pa.Table) and schema is None:
            pacsv.write_csv(rows, sink, write_options=CSV_OPTIONS)
        else:
            schema, batches = _batches(rows, schema)
            with pacsv.CSVWriter(sink, schema, write_options=CSV_OPTIONS) as writer:
                for batch in batches:
                    writer.write_batch(batch)
        return sink.digest.hexdigest()


def write_parquet(rows: pa.Table | pa.RecordBatchReader, path: Path, schema: pa.Schema | None = None) -> str:
    """Typed zstd Parquet: a table at once, or batches gathered into row groups of ROW_GROUP rows; returns its
    SHA-256."""
    with _Hashed(path) as file, pa.output_stream(file, buffer_size=1 << 20) as sink:
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
    return file.digest.hexdigest()


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


def file_entry(path: Path, fmt: str, mediatype: str, sha256: str | None = None) -> dict:
    return {"path": path.name, "format": fmt, "mediatype": mediatype, "bytes": path.stat().st_size,
            "hash": "sha256:" + (sha256 or sha256_file(path))}


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
