"""safe.text: what each escape leaves of a hostile value."""

from __future__ import annotations

import re

from safe import text


def test_plain_drops_controls_and_invisible_characters_and_cuts_long_text():
    assert text.plain("a\x1b[31mb\x07c\u202ed\u200be\x00") == "a[31mbcde"
    assert text.plain("one\ntwo\r\nthree\tfour") == "one two three four"
    assert text.plain("one\ntwo", lines=True) == "one\ntwo"
    long = text.plain("x" * 1000)
    assert len(long) == text.LIMIT and long.endswith("…")
    assert text.plain("é ✓ 数据") == "é ✓ 数据"
    assert text.plain(None) == ""


def test_markdown_escapes_every_ascii_punctuation_mark():
    escaped = text.markdown("[a](https://x.org) <b> *i* :red[y] $x$ a@b.org # h")
    # every punctuation mark is preceded by a backslash: CommonMark shows it literally
    assert re.search(r"(?<!\\)[\[\]()<>*:$@#.]", escaped.replace("\\\\", "")) is None
    assert text.markdown("plain words 123") == "plain words 123"


def test_slack_escapes_its_three_entities_and_formatting_marks_at_word_edges():
    said = text.slack("<!channel> *bold* _it_ ~s~ `c` a & b data_platform 2*3")
    assert "<" not in said and ">" not in said and "&amp;" in said
    assert "*bold*" not in said and "_it_" not in said and "~s~" not in said and "`" not in said
    assert "data_platform" in said and "2*3" in said  # inside a word: no formatting, kept


def test_cell_prefixes_what_a_spreadsheet_would_run():
    for formula in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert text.cell(formula).startswith("'")
    assert text.cell("a=1") == "a=1" and text.cell(-1) == -1 and text.cell(None) is None
    assert text.csv_cell("\r=1") == "'\n=1"
