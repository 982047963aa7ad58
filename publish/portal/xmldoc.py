"""XML documents the portal writes (Atom feeds, the sitemap), serialised by ElementTree."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# Characters XML 1.0 does not allow even escaped: C0 controls other than tab and line ends (Word writes a
# vertical tab for a soft line break), lone surrogates, U+FFFE and U+FFFF. ElementTree escapes < > & and quotes
# but writes these as they are, which leaves a document no reader can parse; each becomes a space.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str | None) -> str | None:
    return NOT_XML.sub(" ", text) if text else text


def document(root: ET.Element) -> str:
    """An XML document in UTF-8, one element a line. The root declares its namespaces as xmlns attributes and
    the elements carry plain (or prefixed) names, so no namespace prefix is registered process-wide."""
    for element in root.iter():
        element.text, element.tail = _clean(element.text), _clean(element.tail)
        for key, value in element.attrib.items():
            element.attrib[key] = _clean(value)
    ET.indent(root, space="")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
