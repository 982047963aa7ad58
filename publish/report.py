"""Validation reports as data: each problem has a type, a severity and coordinates (row, field, value)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"  # what the checks noticed and counted (rows left out, encoding read): nothing to fix
# Past this many problems of one kind in one column, only the count grows: a report stays readable
# and bounded when a 1M-row file repeats one mistake everywhere.
KEEP_PER_GROUP = 200


def id_number(n: int) -> str:
    """12,345 written the Indonesian way, 12.345, for the Indonesian half of a message."""
    return f"{n:,}".replace(",", ".")


@dataclass
class Problem:
    """One thing wrong with a file; `row` counts like frictionless (the header is row 1)."""

    type: str
    note: str
    note_id: str
    severity: str = ERROR
    row: int | None = None
    field: str | None = None
    value: str | None = None
    check: str | None = None
    also: int = 0  # this many more problems like this one, counted but not listed (a file repeating one mistake)

    @property
    def group(self) -> tuple:
        return (self.severity, self.type, self.field, self.check)


@dataclass
class Report:
    """Everything the checks found in one file, with counts by severity."""

    dataset: str
    source: str = ""
    sha256: str = ""
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    unusable: bool = False
    reading: dict = field(default_factory=dict)  # how the file was read: format, encoding, delimiter, sheet

    def add(self, problem: Problem) -> None:
        key = "|".join(str(p) for p in problem.group)
        seen = self.counts.get(key, 0)
        self.counts[key] = seen + 1 + problem.also
        if seen < KEEP_PER_GROUP:
            self.problems.append(problem)

    def add_uncounted(self, example: Problem, n: int) -> None:
        """Count n more problems like `example` without keeping them (checks fetch a bounded sample)."""
        key = "|".join(str(p) for p in example.group)
        self.counts[key] = self.counts.get(key, 0) + n

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    def _total(self, severity: str) -> int:
        return sum(n for key, n in self.counts.items() if key.split("|", 1)[0] == severity)

    @property
    def errors(self) -> int:
        return self._total(ERROR)

    @property
    def warnings(self) -> int:
        return self._total(WARNING)

    @property
    def valid(self) -> bool:
        return not self.unusable and self.errors == 0

    def groups(self) -> list[dict]:
        """Problems grouped by (severity, type, field, rule): one entry with a count and examples."""
        examples: dict[tuple, list[Problem]] = {}
        for problem in self.problems:
            examples.setdefault(problem.group, []).append(problem)
        out = []
        for key, total in self.counts.items():
            severity, type_, field_, check = (None if part == "None" else part for part in key.split("|"))
            sample = examples.get((severity, type_, field_, check), [])
            out.append({"severity": severity, "type": type_, "field": field_, "check": check,
                        "count": total, "note": sample[0].note if sample else "",
                        "note_id": sample[0].note_id if sample else "",
                        "examples": [asdict(p) for p in sample[:10]]})
        out.sort(key=lambda g: (g["severity"] != ERROR, -g["count"]))
        return out

    def summary(self) -> dict:
        return {"valid": self.valid, "unusable": self.unusable, "rows": self.rows,
                "errors": self.errors, "warnings": self.warnings,
                "types": dict(Counter(p.type for p in self.problems))}

    def to_dict(self) -> dict:
        return {"dataset": self.dataset, "source": self.source, "sha256": self.sha256, "reading": self.reading,
                **self.summary(), "problems": [asdict(p) for p in self.problems],
                "groups": self.groups(), "counts": self.counts}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)

    @classmethod
    def from_dict(cls, data: dict) -> "Report":
        report = cls(dataset=data["dataset"], source=data.get("source", ""),
                     sha256=data.get("sha256", ""), rows=data.get("rows", 0),
                     unusable=data.get("unusable", False), reading=dict(data.get("reading") or {}))
        report.problems = [Problem(**p) for p in data.get("problems", [])]
        report.counts = dict(data.get("counts", {}))
        return report
