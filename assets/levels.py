"""Rows the portal's totals count, by the declared rule: a file with none of them would vanish from the totals."""

from __future__ import annotations

import re

import pyarrow as pa

from assets.sheet import ROW
from publish.declarations import Declaration
from publish.report import ERROR, INFO, Problem, id_number
from publish.worktable import WorkTable, working

SHOWN = 5


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def summary_rows(table: WorkTable | pa.Table, declaration: Declaration) -> list[Problem]:
    """The rows outside the declared totals (terbuka:totals "where", e.g. apbd's six-level account codes), counted
    in an info note; an error when no row is inside, since the portal's totals would then not show the file."""
    spec = declaration.descriptor.get("terbuka:totals") or {}
    rule = spec.get("where")
    if not rule:
        return []
    with working(table) as work:
        con = work.con
        columns = work.column_names
        names = [n for n in declaration.field_names if re.search(rf"\b{re.escape(n)}\b", rule) and n in columns]
        # Rows without the rule's values are the required-cell check's to report, not summary lines.
        present = " AND ".join(f"{_quoted(n)} IS NOT NULL" for n in names) or "TRUE"
        outside = f"{present} AND NOT coalesce(({rule}), false)"
        total, counted = con.execute(f"SELECT count(*) FILTER (WHERE {present}), count(*) FILTER (WHERE {present} "
                                     f"AND coalesce(({rule}), false)) FROM data").fetchall()[0]
        shown = ", ".join(_quoted(n) for n in names[:1]) or "NULL"
        examples = con.execute(f"SELECT {ROW}, {shown} FROM data WHERE {outside} ORDER BY {ROW} LIMIT {SHOWN}").fetchall()
    outside_count = total - counted
    if not outside_count:
        return []  # every row is counted, or no row has the rule's values at all
    field = names[0] if names else None
    seen = ", ".join(f"row {r} '{v}'" for r, v in examples)
    seen_id = ", ".join(f"baris {r} '{v}'" for r, v in examples)
    if counted == 0:
        return [Problem(
            type="summary-only", severity=ERROR, field=field, row=examples[0][0] if examples else None,
            note=f"None of the {total:,} rows is a detail line, so the portal's totals would not show this file "
                 f"at all: they add up only the most detailed lines (the declared rule on {field}), and this file "
                 f"holds summary lines only ({field}: {seen}). Send the file with its detail lines.",
            note_id=f"Tidak satu pun dari {id_number(total)} baris adalah baris rincian, sehingga total di portal "
                    "tidak akan menampilkan berkas ini sama sekali: total hanya menjumlahkan baris paling rinci "
                    f"(aturan yang dideklarasikan pada {field}), sedangkan berkas ini hanya memuat baris ringkasan "
                    f"({field}: {seen_id}). Kirim berkas beserta baris rinciannya.")]
    return [Problem(
        type="summary-rows", severity=INFO, field=field, row=examples[0][0] if examples else None,
        note=f"{outside_count:,} of {total:,} rows are summary lines (e.g. {seen}); they are published as sent, "
             f"and the portal's totals add up only the {counted:,} detail lines, so nothing is counted twice.",
        note_id=f"{id_number(outside_count)} dari {id_number(total)} baris adalah baris ringkasan (misalnya "
                f"{seen_id}); baris itu diterbitkan apa adanya, dan total di portal hanya menjumlahkan "
                f"{id_number(counted)} baris rincian, sehingga tidak ada yang terhitung dua kali.")]
