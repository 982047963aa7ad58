"""A text file decodes as exactly one encoding, named, or is refused with the lines that do not fit."""

from __future__ import annotations

import codecs

import pytest

from assets.encoding import decode_text
from assets.unusable import UnusableFile

TEXT = "kode,nama\n32,Désa Ñusa – Indah\n33,Banten\n"


@pytest.mark.parametrize("codec,bom,name", [
    ("utf-8", b"", "utf-8"), ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"), ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
    ("utf-16-le", b"", "utf-16-le"), ("utf-16-be", b"", "utf-16-be"),
    ("utf-32-le", codecs.BOM_UTF32_LE, "utf-32"), ("utf-32-be", codecs.BOM_UTF32_BE, "utf-32"),
    ("cp1252", b"", "cp1252")])
def test_each_form_reads_the_same_text(codec, bom, name):
    assert decode_text(bom + TEXT.encode(codec)) == (TEXT, name)


def test_a_mostly_utf8_file_with_legacy_lines_is_refused_with_their_numbers():
    lines = [f"{i},Dinas – {i}\n".encode() for i in range(1, 30)]
    lines[4] = "5,Dinas – Bina Marga\n".encode("cp1252")
    lines[16] = "17,Café\n".encode("cp1252")
    with pytest.raises(UnusableFile) as caught:
        decode_text(b"".join(lines))
    assert "lines 5, 17 (2 in all) are not" in caught.value.message_en
    assert "'5,Dinas \\x96 Bina Marga'" in caught.value.message_en
    assert "baris 5, 17 (2 baris)" in caught.value.message_id


def test_one_byte_no_encoding_knows_is_refused_with_its_line():
    with pytest.raises(UnusableFile) as caught:
        decode_text(b"kode,nama\n32,JAWA\n33,BAN\x81TEN\n")
    assert "line 3 holds bytes" in caught.value.message_en


def test_a_byte_order_mark_that_lies_is_refused_with_the_line():
    with pytest.raises(UnusableFile) as caught:
        decode_text(codecs.BOM_UTF8 + b"kode,nama\n32,JAWA\n33,BAN\xe9TEN\n")
    assert "UTF-8 with BOM" in caught.value.message_en and "line 3" in caught.value.message_en


def test_a_windows_file_is_said_to_be_one(check):
    report = check("wilayah", "kode,nama,tingkat,kode_induk\n32,Désa – Indah,provinsi,\n".encode("cp1252"))
    assert report.reading["encoding"] == "cp1252"
    (note,) = [p for p in report.problems if p.type == "encoding"]
    assert "line 2 reads right: '32,Désa – Indah,provinsi,'" in note.note and note.severity == "info"
