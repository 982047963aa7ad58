"""Quarantine: a rejected file kept byte for byte with its report (JSON) and a bilingual HTML page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from jinja2 import Environment, select_autoescape

from publish.files import copy_atomic, write_atomic, write_json_atomic
from publish.report import Report
from publish.workspace import Workspace

FIXES = {
    "no-rows": ("Isi baris data di bawah judul kolom (bukan hanya judul, baris kosong atau baris jumlah), lalu kirim ulang.",
                "Put the data rows under the header row (not only the header, blank or total rows) and drop the file again."),
    "type-error": ("Perbaiki nilai agar sesuai tipe kolom (angka, tanggal) lalu kirim ulang berkas.",
                   "Correct the value to the column's type (number, date) and drop the file again."),
    "ambiguous-number": ("Tulis angka tanpa keraguan pemisah (mis. 313637 atau 313,637 sesuai konvensi), atau nyatakan gaya angka di source.json.",
                         "Write the number unambiguously, or declare the number style in source.json."),
    "constraint-error": ("Sesuaikan nilai dengan aturan kolom pada kamus data.", "Make the value meet the column's rule in the data dictionary."),
    "primary-key": ("Setiap baris harus punya kombinasi kunci yang unik; hapus baris ganda.", "Each row needs a unique key; remove the duplicate rows."),
    "unique-error": ("Nilai kolom ini harus unik; hapus atau perbaiki duplikatnya.", "Values in this column must be unique."),
    "foreign-key": ("Gunakan kode yang ada di dataset rujukan, atau terbitkan dahulu dataset rujukan yang memuat kode itu.",
                    "Use a code present in the referenced dataset, or publish that dataset first."),
    "personal-data": ("Hapus data pribadi dari berkas; data pribadi tidak boleh diterbitkan.", "Remove the personal data; it is never published."),
    "formula-injection": ("Hapus karakter =, +, @ di awal sel.", "Remove the leading =, +, @ from the cell."),
    "missing-label": ("Tambahkan kolom yang hilang dengan salah satu nama yang diterima.", "Add the missing column under one of the accepted names."),
    "business-rule": ("Periksa angka pada baris yang disebut terhadap aturan bisnis ini.", "Check the named rows against this business rule."),
    "source-error": ("Simpan ulang berkas dalam format yang diterima (CSV, XLSX, JSON).", "Save the file again in an accepted format (CSV, XLSX, JSON)."),
}

PAGE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Berkas ditolak: {{ report.source }} — {{ report.dataset }}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
.error{color:#8a1414}.warning{color:#6b4e00}.en{color:#444}code{background:#f2f2f2;padding:0 .2rem}</style></head>
<body><main>
<h1>Berkas ditolak <span class="en" lang="en">/ File rejected</span></h1>
<p><strong>{{ report.source }}</strong> untuk dataset <code>{{ report.dataset }}</code> tidak diterbitkan. Versi terakhir yang sah tetap tayang.
<br><span class="en" lang="en">was not published for dataset <code>{{ report.dataset }}</code>. The last good version stays live.</span></p>
<p>SHA-256: <code>{{ report.sha256 }}</code> · {{ report.rows }} baris / rows · {{ report.errors }} kesalahan / errors · {{ report.warnings }} peringatan / warnings · {{ when }}</p>
<h2>Yang harus diperbaiki <span class="en" lang="en">/ What to fix</span></h2>
{% for g in groups if g.severity != "info" %}
<section>
<h3 class="{{ g.severity }}">{{ loop.index }}. {{ g.note_id }}{% if g.count > 1 %} — {{ g.count }}×{% endif %}</h3>
<p class="en" lang="en">{{ g.note }}</p>
<p>Jenis / type: <code>{{ g.type }}</code>{% if g.field %} · kolom / column: <code>{{ g.field }}</code>{% endif %}{% if g.check %} · aturan / rule: <code>{{ g.check }}</code>{% endif %} · tingkat / severity: {{ g.severity }}</p>
{% if fixes.get(g.type) %}<p>Cara memperbaiki: {{ fixes[g.type][0] }}<br><span class="en" lang="en">How to fix: {{ fixes[g.type][1] }}</span></p>{% endif %}
{% if g.examples and g.examples[0].row %}
<table><caption>Contoh (maks. 10) <span lang="en">/ Examples (up to 10)</span></caption>
<thead><tr><th scope="col">Baris / Row</th><th scope="col">Kolom / Column</th><th scope="col">Nilai / Value</th></tr></thead><tbody>
{% for e in g.examples %}<tr><td>{{ e.row }}</td><td>{{ e.field or "" }}</td><td>{{ e.value if e.value is not none else "" }}</td></tr>{% endfor %}
</tbody></table>{% endif %}
</section>
{% endfor %}
{% set notes = groups | selectattr("severity", "equalto", "info") | list %}
{% if notes %}<h2>Catatan <span class="en" lang="en">/ Notes (nothing to fix)</span></h2>
<ul>{% for g in notes %}<li>{{ g.note_id }}<br><span class="en" lang="en">{{ g.note }}</span></li>{% endfor %}</ul>{% endif %}
<h2>Setelah diperbaiki <span class="en" lang="en">/ After fixing</span></h2>
<p>Letakkan berkas yang sudah diperbaiki di folder <code>inbox/{{ report.dataset }}/</code>; tidak perlu membersihkan apa pun.
<br><span class="en" lang="en">Drop the corrected file into <code>inbox/{{ report.dataset }}/</code>; nothing needs cleaning up.</span></p>
</main></body></html>
"""


def quarantine_file(workspace: Workspace, report: Report, data: bytes | Path, filename: str,
                    now: dt.datetime | None = None) -> Path:
    """Keep the rejected file and its reports under state/quarantine/<dataset>/<time>-<sha12>/. `data`: the
    bytes, or the file itself when it was too large to read into memory (it is then copied, streamed)."""
    when = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    folder = workspace.quarantine / report.dataset / f"{stamp}-{report.sha256[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        copy_atomic(data, folder / Path(filename).name)
    else:
        write_atomic(folder / Path(filename).name, data)
    write_json_atomic(folder / "report.json", report.to_dict())
    env = Environment(autoescape=select_autoescape(default=True))
    html = env.from_string(PAGE).render(report=report, groups=report.groups(), fixes=FIXES,
                                        when=when.isoformat().replace("+00:00", "Z"))
    write_atomic(folder / "report.html", html)
    write_json_atomic(folder / "meta.json", {"source": Path(filename).name, "sha256": report.sha256,
                                             "quarantined": when.isoformat().replace("+00:00", "Z")})
    return folder


def inert_markdown(text) -> str:
    """A value from the file as inert Markdown text: it never becomes a link, an image, markup or a new cell."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~])", r"\\\1", str(text)).replace("\n", " ")


def report_markdown(report: Report, examples: int = 5) -> str:
    """The bilingual report as Markdown, for the Dagster UI (readable from any browser, unlike a server path)."""
    head = (f"**{inert_markdown(report.source)}** — {report.rows} baris / rows, {report.errors} kesalahan / errors, "
            f"{report.warnings} peringatan / warnings")
    out = [head, ""]
    for n, group in enumerate((g for g in report.groups() if g["severity"] != "info"), start=1):
        out.append(f"### {n}. {inert_markdown(group['note_id'] or group['note'])} ({group['count']}×, {group['severity']})")
        out.append(f"_{inert_markdown(group['note'])}_  ")
        where = f"`{group['type']}`" + (f" · kolom / column `{group['field']}`" if group["field"] else "")
        out.append(f"Jenis / type: {where}")
        if group["type"] in FIXES:
            fix_id, fix_en = FIXES[group["type"]]
            out.append(f"\nCara memperbaiki: {fix_id}  \n_How to fix: {fix_en}_")
        rows = [e for e in group["examples"][:examples] if e.get("row")]
        if rows:
            out += ["", "| baris / row | kolom / column | nilai / value |", "|---|---|---|"]
            out += [f"| {e['row']} | {inert_markdown(e.get('field') or '')} | {inert_markdown('' if e.get('value') is None else e['value'])} |"
                    for e in rows]
        out.append("")
    out.append(f"Perbaiki berkas lalu letakkan lagi di `inbox/{report.dataset}/` / fix the file and drop it into "
               f"`inbox/{report.dataset}/` again.")
    return "\n".join(out)
