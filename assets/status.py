"""One view of a workspace: per dataset what is live, what waits in the inbox and since when, what sits in
quarantine and why, what is held for confirmation, and when verify last ran. Plain data (stable English keys)
for `terbuka status --json`, and lines in the officer's language."""

from __future__ import annotations

import datetime as dt
import json

from assets.inbox import pending_files
from publish.held import list_held
from publish.releases import latest_release
from publish.verify import last_verdict
from publish.workspace import Workspace

ISO = "%Y-%m-%dT%H:%M:%SZ"


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime(ISO)


def _first_error(report: dict) -> tuple[str, str]:
    group = next((g for g in report.get("groups", []) if g.get("severity") == "error"), None)
    if group is None:
        return "", ""
    example = (group.get("examples") or [{}])[0]
    where = f" (baris / row {example['row']})" if example.get("row") else ""
    return (group.get("note_id") or group.get("note", "")) + where, group.get("note", "") + where


def _quarantined(workspace: Workspace, dataset: str, since: str | None) -> list[dict]:
    """Rejections newer than the dataset's latest release: the ones an officer still has to act on."""
    out = []
    for meta in sorted((workspace.quarantine / dataset).glob("*/meta.json")):
        try:
            doc = json.loads(meta.read_text())
            report = json.loads((meta.parent / "report.json").read_text())
        except (OSError, ValueError):
            continue
        if since and doc.get("quarantined", "") < since:
            continue  # resolved: something newer was published since
        reason_id, reason_en = _first_error(report)
        out.append({"file": doc.get("source"), "at": doc.get("quarantined"), "sha256": doc.get("sha256"),
                    "errors": report.get("errors"), "unusable": bool(report.get("unusable")),
                    "reason_id": reason_id, "reason_en": reason_en,
                    "report": workspace.rel(meta.parent / "report.html")})
    return out


def gather(workspace: Workspace) -> dict:
    """The status as data."""
    inbox = pending_files(workspace, settle=False)
    held = list_held(workspace)
    datasets = []
    for d in workspace.declarations.values():
        store = latest_release(workspace, d.id)
        live = latest_release(workspace, d.id, workspace.site)
        waiting = [p for p in inbox.pending + inbox.repeats if p.dataset == d.id]
        datasets.append({
            "id": d.id, "title": d.title,
            "live": live and {"version": live["version"], "released": live["released"], "rows": live["rows"]},
            "awaiting_promotion": store and (not live or store["version"] != live["version"]) and {
                "version": store["version"], "released": store["released"], "rows": store["rows"]} or None,
            "inbox": [{"file": workspace.rel(p.path), "since": _iso(p.path.stat().st_mtime),
                       "year": p.year, "already_live": p in inbox.repeats} for p in waiting],
            "quarantine": _quarantined(workspace, d.id, store["released"] if store else None),
            "held": [{"file": h["name"], "sha256": h["sha256"], "at": h["at"], "confirm": h["confirm"],
                      "reason_id": h["message_id"], "reason_en": h["message_en"], "record": workspace.rel(h["folder"])}
                     for h in held if h["dataset"] == d.id],
        })
    arriving = [{"file": f"inbox/{rel}", "why": why} for rel, why in inbox.arriving.items()]
    unmatched = [{"file": workspace.rel(p.path)} for p in inbox.unmatched]
    return {"workspace": str(workspace.root), "datasets": datasets, "arriving": arriving, "unmatched": unmatched,
            "verify": last_verdict(workspace)}


WORDS = {
    "live": ("tayang", "live"), "none": ("belum ada versi", "nothing published yet"),
    "rows": ("baris", "rows"), "waiting": ("menunggu promosi", "waiting for promotion"),
    "inbox": ("di inbox sejak", "in the inbox since"), "quarantine": ("dikarantina", "quarantined"),
    "held": ("ditahan, menunggu konfirmasi", "held for confirmation"), "arriving": ("masih masuk", "still arriving"),
    "unmatched": ("tidak cocok dengan dataset mana pun", "matches no dataset"),
    "verify": ("verify terakhir", "last verify"), "never": ("verify belum pernah dijalankan", "verify has not run yet"),
    "ok": ("OK", "OK"), "problems": ("MASALAH", "PROBLEMS"), "already": ("sudah tayang", "already live"),
}


def lines(status: dict, lang: str) -> list[str]:
    """The status in one language, one line per thing an officer may act on."""
    i = 0 if lang == "id" else 1

    def w(key):
        return WORDS[key][i]

    out = []
    for d in status["datasets"]:
        live = d["live"]
        head = (f"{d['id']}: {w('live')} {live['version']} ({live['released'][:10]}, {live['rows']:,} {w('rows')})"
                if live else f"{d['id']}: {w('none')}")
        out.append(head)
        if d["awaiting_promotion"]:
            out.append(f"  {w('waiting')}: {d['awaiting_promotion']['version']}")
        for f in d["inbox"]:
            out.append(f"  {w('inbox')} {f['since']}: {f['file']}" + (f" ({w('already')})" if f["already_live"] else ""))
        for q in d["quarantine"]:
            reason = q["reason_id"] if i == 0 else q["reason_en"]
            out.append(f"  {w('quarantine')} {q['at']}: {q['file']} — {reason} — {q['report']}")
        for h in d["held"]:
            out.append(f"  {w('held')} {h['at']}: {h['file']} — {h['confirm']}")
    for a in status["arriving"]:
        out.append(f"{a['file']}: {w('arriving')} ({a['why']})")
    for u in status["unmatched"]:
        out.append(f"{u['file']}: {w('unmatched')}")
    verdict = status["verify"]
    if verdict:
        out.append(f"{w('verify')} {verdict['at']}: {w('ok') if verdict['ok'] else w('problems')}"
                   + (f" ({verdict['problems']})" if verdict["problems"] else ""))
    else:
        out.append(w("never"))
    return out

