"""DataFrame -> bytes in CSV, Excel (xlsx), Parquet and JSON. Pure: no Streamlit.

What each format keeps:
- Parquet keeps every dtype (nullable integers, categories, UTC timestamps).
- CSV and JSON write timestamps as ISO-8601 text (UTC instants end in "Z"/"+00:00"), missing
  values as empty (CSV) or null (JSON).
- Excel cannot hold time zones: UTC instants are written as UTC wall-clock times without a zone
  (the column name says "(UTC)"); categories become text.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pandas as pd

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


def to_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, date_format=None).encode("utf-8")


def to_json(frame: pd.DataFrame) -> bytes:
    """A JSON array of row objects; times as ISO-8601 text, missing values as null."""
    return frame.to_json(
        orient="records", date_format="iso", date_unit="ms", force_ascii=False
    ).encode("utf-8")


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


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    if len(frame) > XLSX_MAX_ROWS:
        raise ValueError(
            f"{len(frame):,} rows do not fit in one Excel sheet "
            f"(at most {XLSX_MAX_ROWS:,}); use CSV or Parquet, or filter further."
        )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        excel_ready(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "parquet": to_parquet, "json": to_json}


def to_bytes(frame: pd.DataFrame, fmt: str) -> bytes:
    try:
        return WRITERS[fmt](frame)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {sorted(WRITERS)}") from None


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
