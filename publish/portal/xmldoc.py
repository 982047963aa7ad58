"""XML documents the portal writes (Atom feeds, the sitemap), serialised by ElementTree."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def document(root: ET.Element) -> str:
    """An XML document in UTF-8, one element a line. The root declares its namespaces as xmlns attributes and
    the elements carry plain (or prefixed) names, so no namespace prefix is registered process-wide."""
    ET.indent(root, space="")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
