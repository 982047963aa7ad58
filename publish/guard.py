"""The change guard: a release that removes much of what it replaces, or keys other datasets' published rows
refer to, is held for an officer's confirmation instead of going out (a truncated copy, a wrong file)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from publish.declarations import Declaration
from publish.worktable import WorkTable

DEFAULT_SHARE = 0.05
EXAMPLES = 10


@dataclass
class Removal:
    """What a release would remove: rows of the slices it replaces, and keys others refer to."""

    dataset: str
    replaced: int
    removed: int
    limit: float
    examples: list[str] = field(default_factory=list)  # removed primary keys, as text
    references: list[dict] = field(default_factory=list)  # {"dataset", "field", "rows", "keys": [...]}

    @property
    def share(self) -> float:
        return self.removed / self.replaced if self.replaced else 0.0

    @property
    def trips(self) -> bool:
        return self.share > self.limit or bool(self.references)

    def explain(self, confirm: str) -> tuple[str, str]:
        """Why the release is held, in Indonesian and English, ending with how to confirm it."""
        said_id, said_en = [], []
        if self.share > self.limit:
            keys = ", ".join(self.examples)
            said_id.append(f"menghapus {self.removed:,} dari {self.replaced:,} baris yang digantikannya "
                           f"({self.share:.1%}; batas {self.limit:.0%}), antara lain {keys}")
            said_en.append(f"it removes {self.removed:,} of the {self.replaced:,} rows it replaces "
                           f"({self.share:.1%}; limit {self.limit:.0%}), among them {keys}")
        for ref in self.references:
            keys = ", ".join(ref["keys"])
            said_id.append(f"menghapus kode {keys} yang dirujuk {ref['rows']:,} baris terbitan {ref['dataset']} "
                           f"(kolom {ref['field']})")
            said_en.append(f"it removes {keys}, which {ref['rows']:,} published rows of {ref['dataset']} refer to "
                           f"(column {ref['field']})")
        return (f"Rilis {self.dataset} ditahan, belum diterbitkan: " + "; ".join(said_id)
                + f". Bila memang disengaja, konfirmasi dengan: {confirm}",
                f"The {self.dataset} release is held, not published: " + "; ".join(said_en)
                + f". If this is intended, confirm it with: {confirm}")

    def to_dict(self) -> dict:
        return {"replaced": self.replaced, "removed": self.removed, "share": round(self.share, 6),
                "limit": self.limit, "examples": self.examples, "references": self.references}


def guard_limit(declaration: Declaration) -> float:
    return float((declaration.source.get("changeGuard") or {}).get("maxRemovedShare", DEFAULT_SHARE))


def _key(names: list[str], alias: str) -> str:
    return ", ".join(f'{alias}."{n}"' for n in names)


def _same(names: list[str], left: str, right: str) -> str:
    return " AND ".join(f'{left}."{n}" IS NOT DISTINCT FROM {right}."{n}"' for n in names)


def find_removals(work: WorkTable, declaration: Declaration, dependents: list[tuple[Declaration, pa.Table]]) -> Removal:
    """Compare the previous release (`prev` in the working table's connection) with the new one (`merged`).
    `inc` is the file's rows (it names the slices it replaces); `dependents` are other datasets' published
    tables whose foreign keys point into this one."""
    con = work.con
    replaces = [c for c in declaration.source.get("replaces", []) if c in declaration.field_names]
    scope = f"EXISTS (SELECT 1 FROM inc i WHERE {_same(replaces, 'i', 'p')})" if replaces else "TRUE"
    replaced = con.execute(f"SELECT count(*) FROM prev p WHERE {scope}").fetchall()[0][0]
    key = declaration.primary_key or declaration.field_names
    gone = f"SELECT p.* FROM prev p WHERE {scope} AND NOT EXISTS (SELECT 1 FROM merged n WHERE {_same(key, 'n', 'p')})"
    removed = con.execute(f"SELECT count(*) FROM ({gone})").fetchall()[0][0]
    examples = [" / ".join("" if v is None else str(v) for v in row)
                for row in con.execute(f"SELECT {_key(key, 'g')} FROM ({gone}) g ORDER BY ALL LIMIT {EXAMPLES}").fetchall()]
    references = []
    for other, published in dependents:
        for fk in other.foreign_keys:
            if fk["reference"].get("resource") != declaration.id or len(fk["fields"]) != 1:
                continue
            mine, theirs = fk["reference"]["fields"][0], fk["fields"][0]
            work.register("dep", published)
            rows = con.execute(f'''
                WITH lost AS (SELECT DISTINCT CAST("{mine}" AS VARCHAR) AS k FROM prev WHERE "{mine}" IS NOT NULL
                              EXCEPT SELECT CAST("{mine}" AS VARCHAR) FROM merged)
                SELECT CAST(d."{theirs}" AS VARCHAR) AS k, count(*) FROM dep d JOIN lost ON CAST(d."{theirs}" AS VARCHAR) = lost.k
                GROUP BY 1 ORDER BY 2 DESC, 1''').fetchall()
            work.unregister("dep")
            if rows:
                references.append({"dataset": other.id, "field": theirs, "rows": sum(n for _, n in rows),
                                   "keys": [k for k, _ in rows[:EXAMPLES]]})
    return Removal(declaration.id, replaced, removed, guard_limit(declaration), examples, references)
