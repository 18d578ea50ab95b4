"""DataFrame -> bytes in CSV, Excel (xlsx), Parquet and JSON. Pure: no Streamlit.

What each format keeps:
- Parquet keeps every dtype (nullable integers, categories, UTC timestamps) and full precision.
- CSV, Excel and JSON are for reading: numbers are rounded by what they mean (`decimals`):
  money (USD) to cents, credits to 2 decimals, shares and rates to 4, counts to whole numbers,
  so a sum never shows float noise like 36193.399999999994. A column whose values are all
  whole is written as integers. Missing values stay missing (empty, null), never 0.
- CSV and JSON write timestamps as ISO-8601 text (UTC instants end in "Z"/"+00:00"), missing
  values as empty (CSV) or null (JSON).
- Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
  return: OWASP's CSV injection list) stays text: CSV writes it with a leading `'`, Excel as a
  text cell with Excel's own quote prefix (the value unchanged). Control characters, which
  Excel refuses, are removed from both (`safe.text.cell`).
- Excel cannot hold time zones: UTC instants are written as UTC wall-clock times without a zone
  (the column name says "(UTC)"); categories become text. Cells carry number formats
  (thousands separators, cents, percentages) and days show as dates.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from safe.text import FORMULA_START, csv_cell, plain
from safe.text import cell as safe_cell

from .metrics import definitions
from .metrics.definitions import METRICS

XLSX_MAX_ROWS = 1_048_575  # Excel's row limit, minus the header


@dataclass(frozen=True)
class Format:
    ext: str
    label: str
    mime: str


FORMATS = {
    "csv": Format("csv", "CSV", "text/csv"),
    "xlsx": Format(
        "xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "parquet": Format("parquet", "Parquet", "application/vnd.apache.parquet"),
    "json": Format("json", "JSON", "application/json"),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "data"


def file_name(
    vendor: str, dataset: str, start: dt.date | None, end: dt.date | None, ext: str
) -> str:
    """`{vendor}_{dataset}_{start}_{end}.{ext}`, e.g. firebender_daily-usage_2026-01-01_2026-03-31.csv"""
    parts = [_slug(vendor), _slug(dataset)]
    if start is not None and end is not None:
        parts += [start.isoformat(), end.isoformat()]
    return "_".join(parts) + f".{ext}"


# ---------------------------------------------------------------- rounding by meaning

MONEY, CREDITS, SHARE, COUNT = 2, 2, 4, 0  # decimals kept in CSV, Excel and JSON
UNIT_DECIMALS = {
    "usd": MONEY,
    "credits": CREDITS,
    "share": SHARE,
    "ratio": SHARE,
    "count": COUNT,
    "average": 2,
}
SIGNIFICANT = 12  # a float column of no known meaning keeps 12 significant digits


def unit(column: str, dataset: str | None = None) -> str | None:
    """What `column` holds, as the measures registry (metrics.definitions.unit) says."""
    return definitions.unit(column, dataset)


def decimals(column: str, dataset: str | None = None) -> int | None:
    """How many decimals `column` keeps in CSV, Excel and JSON (None: see `SIGNIFICANT`)."""
    metric = METRICS.get(str(column))
    if metric is not None and metric.decimals is not None:
        return metric.decimals
    found = unit(column, dataset)
    return None if found is None else UNIT_DECIMALS.get(found)


def _significant(values: pd.Series, digits: int) -> pd.Series:
    finite = values[np.isfinite(values) & (values != 0)]
    if finite.empty:
        return values
    scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(finite))))
    out = values.copy()
    out[finite.index] = np.round(finite * scale) / scale
    return out


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its float columns rounded by meaning (`decimals`); a rounded column whose
    values are all whole becomes a nullable integer. Missing values stay missing."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if not pd.api.types.is_float_dtype(series.dtype):
            continue
        values = series.astype("float64")
        places = decimals(column)
        values = _significant(values, SIGNIFICANT) if places is None else values.round(places)
        present = values.dropna()
        if np.isfinite(present).all() and (present == np.round(present)).all():
            out[column] = values.astype("Int64")
        else:
            out[column] = values
    return out


def _texts(frame: pd.DataFrame, change) -> pd.DataFrame:
    """`frame` with `change` applied to its column names and to every text value."""
    out = frame.rename(columns=lambda name: change(name) if isinstance(name, str) else name)
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype(object).where(series.notna(), None)
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.map(change, na_action="ignore")
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    return _texts(readable(frame), csv_cell).to_csv(index=False, date_format=None).encode("utf-8")


def to_json(frame: pd.DataFrame) -> bytes:
    """A JSON array of row objects; times as ISO-8601 text, missing values as null."""
    return (
        readable(frame)
        .to_json(orient="records", date_format="iso", date_unit="ms", force_ascii=False)
        .encode("utf-8")
    )


def to_parquet(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def excel_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as Excel can hold it: zone-aware times -> naive UTC (column renamed with
    " (UTC)"), categories and strings -> object text."""
    out = frame.copy()
    renames = {}
    for column in out.columns:
        series = out[column]
        if getattr(series.dtype, "tz", None) is not None:
            out[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
            renames[column] = f"{column} (UTC)"
        elif isinstance(series.dtype, pd.CategoricalDtype):
            out[column] = series.astype("str").where(series.notna(), None).astype(object)
    return out.rename(columns=renames)


EXCEL_FORMATS = {COUNT: "#,##0", MONEY: "#,##0.00", SHARE: "0.0000"}


def _excel_format(column: str, series: pd.Series) -> str | None:
    """The number format of a column's cells: thousands separators, cents, days as dates."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        present = series.dropna()
        return "yyyy-mm-dd" if (present == present.dt.normalize()).all() else None
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        return None
    places = decimals(column)
    if pd.api.types.is_integer_dtype(series.dtype) and places != SHARE:
        return EXCEL_FORMATS[COUNT]
    if places is None:
        return None  # Excel's "General": the digits written
    return EXCEL_FORMATS.get(places, "#,##0." + "0" * places)


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    if len(frame) > XLSX_MAX_ROWS:
        raise ValueError(
            f"{len(frame):,} rows do not fit in one Excel sheet "
            f"(at most {XLSX_MAX_ROWS:,}); use CSV or Parquet, or filter further."
        )
    ready = _texts(excel_ready(readable(frame)), _excel_text)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        ready.to_excel(writer, index=False, sheet_name=sheet[:31])
        cells = writer.sheets[sheet[:31]]
        _formulas_as_text(cells)
        for position, column in enumerate(ready.columns, start=1):
            number_format = _excel_format(column, ready[column])
            if number_format is None:
                continue
            for (cell,) in cells.iter_rows(
                min_row=2, max_row=len(ready) + 1, min_col=position, max_col=position
            ):
                cell.number_format = number_format
    return buffer.getvalue()


EXCEL_CELL_LIMIT = 32_767  # characters Excel holds in one cell


def _excel_text(value):
    """Control characters (which openpyxl refuses) removed, cut at Excel's cell limit; the
    formula marks are dealt with by `_formulas_as_text`, keeping the value as it was."""
    if not isinstance(value, str):
        return value
    text = safe_cell(value)
    text = text[1:] if text.startswith("'") and not value.startswith("'") else text
    return text[:EXCEL_CELL_LIMIT]


def _formulas_as_text(cells) -> None:
    """Every cell openpyxl took for a formula (text starting with `=`), and every text starting
    with another OWASP mark, becomes a text cell with Excel's quote prefix: shown and edited as
    text, never run."""
    for row in cells.iter_rows():
        for one in row:
            value = one.value
            if isinstance(value, str) and value.startswith(FORMULA_START):
                one.data_type = "s"
                one.quotePrefix = True


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "parquet": to_parquet, "json": to_json}


def to_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    try:
        return WRITERS[fmt](frame)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {sorted(WRITERS)}") from None


def failure_file(fmt: str, err: BaseException, rows: int) -> bytes:
    """A file in `fmt` that says the export failed and why (the error's type and first line,
    never the data), for a download that cannot be made. Parquet has no room for a sentence:
    the error is raised again and Streamlit says the download failed."""
    reason = plain(f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}")
    said = f"Export failed: {reason}. {rows:,} rows were not written; try CSV or Parquet."
    if fmt == "parquet":
        raise err
    if fmt == "json":
        return json.dumps({"error": said}).encode("utf-8")
    frame = pd.DataFrame({"error": [said]})
    if fmt == "xlsx":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="export failed", engine="openpyxl")
        return buffer.getvalue()
    return frame.to_csv(index=False).encode("utf-8")


def read_back(data: bytes, fmt: str) -> pd.DataFrame:
    """Parse exported bytes (for tests and for checking a file)."""
    buffer = io.BytesIO(data)
    if fmt == "csv":
        return pd.read_csv(buffer)
    if fmt == "xlsx":
        return pd.read_excel(buffer, engine="openpyxl")
    if fmt == "parquet":
        return pd.read_parquet(buffer)
    if fmt == "json":
        return pd.read_json(buffer, orient="records", dtype=False)
    raise ValueError(f"unknown format {fmt!r}")
