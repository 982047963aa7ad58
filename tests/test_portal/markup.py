"""The structure of a rendered page as the checks read it: well-formedness, language, headings, labels, JSON-LD."""

from __future__ import annotations

import re
from pathlib import Path

from publish.links import Outline, outline

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(Outline):
    """An Outline (references and ids) plus the tags, headings, form labels and JSON-LD scripts of a page, and
    its well-formedness problems (an end tag that closes another element; `stack` left open)."""

    def __init__(self):
        super().__init__()
        self.stack, self.problems, self.tags, self.headings, self.scripts = [], [], [], [], []
        self.labels, self.inputs = set(), []
        self.lang, self._script, self._heading = None, None, None

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "label" and a.get("for"):
            self.labels.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.inputs.append(a.get("id"))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = int(tag[1])
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(self._heading)
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)


def parse(path: Path) -> Page:
    return outline(path, Page)
