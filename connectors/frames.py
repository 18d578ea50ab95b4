"""JSON records -> typed DataFrames, page by page.

`FrameBuilder.add()` turns each page into compact columns at once (numpy arrays, category codes),
so a million records never sit in memory as Python dicts; `frame()` joins the pages with one
conversion per column. Values are read leniently: numbers that arrive as strings are parsed and
nulls become NA. Given `where` (the vendor and endpoint), a builder is strict about what the
vendor's docs promise: a documented field missing from a row, or a value of another type (text
where a number belongs), raises a ResponseFormatError naming vendor, endpoint and field, so drift
never becomes a column of NA that a page sums to zero. Optional fields may be missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import union_categoricals

from .errors import ResponseFormatError
from .schemas import Field

DAY_DTYPE = "datetime64[ns]"
INSTANT_DTYPE = "datetime64[ns, UTC]"
EMPTY_INT = np.empty(0, dtype=np.int64)
STR_DTYPE = pd.api.types.pandas_dtype("str")
_ARROW_TEXT = pa.large_string()
_ARROW_INSTANT = pa.timestamp("ns", tz="UTC")
_ARROW_NAIVE = pa.timestamp("ns")
_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError)


def _texts(values) -> list:
    """A page of text as Arrow chunks (compact; the page's Python strings can be freed).
    Values that are not text become their text, as `pd.array(values, dtype="str")` does."""
    try:
        return [pa.array(values, type=_ARROW_TEXT)]
    except _ARROW_ERRORS:
        return [pa.array(pd.array(list(values), dtype="str")).cast(_ARROW_TEXT)]


def _instants(values, offsets_first: bool = True) -> np.ndarray:
    """A page of ISO-8601 text as naive UTC datetime64[ns] (NaT when missing or unparseable),
    read as `pd.to_datetime(format="ISO8601", utc=True, errors="coerce")` reads it: Arrow parses
    pages whose stamps all carry an offset (or none does: UTC); anything else goes to pandas.
    `offsets_first`: try stamps with offsets first (instants) or without (days)."""
    try:
        text = pa.array(values, type=_ARROW_TEXT)
    except _ARROW_ERRORS:
        text = None
    if text is not None:
        for target in (
            (_ARROW_INSTANT, _ARROW_NAIVE) if offsets_first else (_ARROW_NAIVE, _ARROW_INSTANT)
        ):
            try:
                return (
                    pc.cast(text, target)
                    .to_numpy(zero_copy_only=False)
                    .astype("datetime64[ns]", copy=False)
                )
            except _ARROW_ERRORS:
                pass
    stamps = pd.to_datetime(
        pd.Series(list(values), dtype=object), format="ISO8601", utc=True, errors="coerce"
    )
    return stamps.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")


def snake_case(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if (
            ch.isupper()
            and i
            and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower()))
        ):
            out.append("_")
        out.append(ch.lower())
    return "".join(out).replace("-", "_").replace(" ", "_")


def _getter(path: tuple[str, ...]):
    if len(path) == 1:
        key = path[0]
        return lambda records: [r.get(key) for r in records]

    def get(records):
        values = []
        for record in records:
            value = record
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            values.append(value)
        return values

    return get


def _numbers(values: list, integer: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, NA mask or None) from a page of JSON numbers, strings or nulls."""
    if not integer:
        try:  # numbers, numeric text and nulls (NaN) in one C pass; float() semantics
            array = np.array(values, dtype=np.float64)
            if array.ndim == 1:
                return array, None
        except (ValueError, TypeError, OverflowError):
            pass
    try:
        array = np.array(values)
        if integer and array.dtype.kind in "iu":
            return array.astype(np.int64, copy=False), None
        if not integer and array.dtype.kind in "iuf":
            return array.astype(np.float64, copy=False), None
    except (ValueError, OverflowError):
        pass
    if not integer:
        return np.array([_lenient(v, float) for v in values], dtype=np.float64), None
    parsed = [_lenient(v, int) for v in values]
    mask = np.array([v is None for v in parsed], dtype=bool)
    return np.array([0 if v is None else v for v in parsed], dtype=np.int64), mask


_INT64_MAX = 2**63 - 1


def _lenient(value, kind):
    """One JSON value as `kind`, or None (NaN for floats) when it is not a number."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text) if kind is int else float(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        value = None if not isinstance(value, bool) else int(value)
    if kind is float:
        return float("nan") if value is None else float(value)
    if isinstance(value, float):
        value = None if value != value or abs(value) == float("inf") else round(value)
    return value if value is None or abs(value) <= _INT64_MAX else None


class FrameBuilder:
    """Collects pages of records for one dataset; `frame()` gives the typed DataFrame."""

    def __init__(
        self,
        fields: Sequence[Field],
        keep_extra: bool = False,
        where: tuple[str, str] | None = None,
    ):
        self.fields = tuple(fields)
        self.keep_extra = keep_extra
        self.where = where  # (vendor, endpoint): check the documented fields
        self._get = {f.column: _getter(f.path) for f in self.fields}
        # Top-level fields are read in one C-level pass per page (itemgetter + zip); a page
        # where one is missing falls back to per-field .get().
        self._flat = [f for f in self.fields if len(f.path) == 1]
        self._flat_get = (
            itemgetter(*[f.path[0] for f in self._flat]) if len(self._flat) > 1 else None
        )
        self._known_keys = {f.path[0] for f in self.fields}
        self._parts: dict[str, list] = {f.column: [] for f in self.fields}
        self._categories: dict[str, dict] = {
            f.column: {None: -1} for f in self.fields if f.kind == "category"
        }
        self._extra: dict[str, list] = {}
        self.rows = 0

    def add(self, records: list[dict]) -> None:
        if not records:
            return
        columns = self._flat_columns(records)
        for f in self.fields:
            values = columns[f.column] if f.column in columns else self._get[f.column](records)
            part = self._parts[f.column]
            if self.where and not f.optional and f.column not in columns:
                self._check_present(f, values, records)
            if f.kind in ("int", "float"):
                part.append(_numbers(values, f.kind == "int"))
                if self.where:
                    self._check_numbers(f, values, part[-1])
            elif f.kind == "category":
                part.append(self._codes(f.column, values))
            elif f.kind == "day_ms":
                part.append(_numbers(values, integer=True))
                if self.where:
                    self._check_numbers(f, values, part[-1])
            elif f.kind == "str":
                part.extend(_texts(values))
            elif f.kind in ("instant", "day"):
                part.append(_instants(values, offsets_first=f.kind == "instant"))
                if self.where:
                    self._check_times(f, values, part[-1])
            else:
                part.extend(values)
        if self.keep_extra:
            self._add_extra(records)
        self.rows += len(records)

    def _drift(self, f: Field, what: str) -> ResponseFormatError:
        vendor, endpoint = self.where
        return ResponseFormatError(
            vendor,
            f"{endpoint}: the documented field `{'.'.join(f.path)}` {what}. The API may have "
            f"changed; nothing was stored from this answer. Report it, and try again later.",
        )

    def _check_present(self, f: Field, values, records: list[dict]) -> None:
        """A documented field must be in every row (a null is a value: NA, not drift)."""
        if None not in values:
            return
        for value, record in zip(values, records, strict=True):
            if value is None and not _has_path(record, f.path):
                raise self._drift(f, "is missing from the rows")

    def _check_numbers(self, f: Field, values, parsed) -> None:
        """A number (or numeric text) must parse: "n/a" or an object is not read as NA."""
        array, mask = parsed
        unread = (
            mask if mask is not None else (np.isnan(array) if array.dtype.kind == "f" else None)
        )
        if unread is None or not unread.any():
            return
        for index in np.flatnonzero(unread):
            value = values[index]
            if value is not None and not (isinstance(value, float) and value != value):
                shown = repr(value)[:40]
                raise self._drift(f, f"holds {shown} ({type(value).__name__}), not a number")

    def _check_times(self, f: Field, values, parsed: np.ndarray) -> None:
        """A date or time must parse: a stamp in another format is not read as "no date"."""
        unread = np.isnat(parsed)
        for index in np.flatnonzero(unread) if unread.any() else ():
            if values[index] is not None:
                shown = repr(values[index])[:40]
                raise self._drift(f, f"holds {shown}, not a date or time")

    def extend(self, other: FrameBuilder) -> None:
        """Append the rows another builder of the same fields collected, as they are: no frame is
        built (category codes are mapped onto this builder's categories)."""
        if other.fields != self.fields or other._extra or self._extra:
            raise ValueError("only builders of the same fields, without extra columns, extend")
        for f in self.fields:
            theirs = other._parts[f.column]
            if f.kind == "category":
                index = self._categories[f.column]
                lookup = np.array(
                    [
                        index.setdefault(k, len(index) - 1)
                        for k in other._categories[f.column]
                        if k is not None
                    ]
                    + [-1],
                    dtype=np.int32,
                )
                theirs = [lookup[codes] for codes in theirs]
            self._parts[f.column].extend(theirs)
        self.rows += other.rows

    def _flat_columns(self, records: list[dict]) -> dict[str, tuple]:
        if self._flat_get is None:
            return {}
        try:
            transposed = list(zip(*map(self._flat_get, records)))
        except (KeyError, TypeError):
            return {}
        return {f.column: values for f, values in zip(self._flat, transposed)}

    def _codes(self, column: str, values) -> np.ndarray:
        """Category codes against the categories seen so far (pd.factorize per page, then a
        lookup of the page's few distinct values)."""
        index = self._categories[column]
        try:  # the usual page: every value already a known category (or None)
            return np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))
        except (KeyError, TypeError):
            pass
        page_codes, uniques = pd.factorize(np.array(values, dtype=object))
        lookup = np.array(
            [index.setdefault(u if isinstance(u, str) else str(u), len(index) - 1) for u in uniques]
            + [-1],
            dtype=np.int32,
        )
        return lookup[page_codes]  # factorize's -1 (missing) picks the trailing -1

    def _add_extra(self, records: list[dict]) -> None:
        unknown = set().union(*records) - self._known_keys  # every row's keys, in one C pass
        for key in unknown | set(self._extra):
            column = self._extra.setdefault(key, [None] * self.rows)
            column.extend(r.get(key) for r in records)

    def frame(self) -> pd.DataFrame:
        columns = {f.column: self._column(f) for f in self.fields}
        for key, values in self._extra.items():
            column = snake_case(key)
            if column not in columns:
                columns[column] = pd.array(values).copy() if values else pd.array([], dtype=object)
        return pd.DataFrame(columns, index=pd.RangeIndex(self.rows))

    def _column(self, f: Field):
        part = self._parts[f.column]
        if f.kind in ("int", "float", "day_ms"):
            data = (
                np.concatenate([p[0] for p in part])
                if part
                else (np.empty(0, dtype=np.float64) if f.kind == "float" else EMPTY_INT)
            )
            masks = [p[1] if p[1] is not None else np.zeros(len(p[0]), dtype=bool) for p in part]
            mask = np.concatenate(masks) if masks else np.zeros(0, dtype=bool)
            if f.kind == "float":
                return data
            if f.kind == "day_ms":
                days = pd.to_datetime(data, unit="ms").astype(DAY_DTYPE).normalize()
                return days.where(~mask, pd.NaT) if mask.any() else days
            return pd.arrays.IntegerArray(data, mask)
        if f.kind == "category":
            index = self._categories[f.column]
            codes = np.concatenate(part) if part else np.empty(0, dtype=np.int32)
            categories = pd.Index([k for k in index if k is not None], dtype="str")
            return pd.Categorical.from_codes(codes, categories=categories)
        if f.kind == "str":
            return STR_DTYPE.__from_arrow__(pa.chunked_array(part, type=_ARROW_TEXT))
        if f.kind == "bool":
            return _booleans(part)
        if f.kind == "day":
            data = np.concatenate(part) if part else np.empty(0, dtype="datetime64[ns]")
            return pd.Series(data, copy=False).dt.normalize().astype(DAY_DTYPE).array
        if f.kind == "instant":
            data = np.concatenate(part) if part else np.empty(0, dtype="datetime64[ns]")
            return pd.Series(data, copy=False).dt.tz_localize("UTC").array
        raise ValueError(f"unknown field kind {f.kind!r}")


def _booleans(values: list):
    if values and all(map(isinstance, values, repeat(bool))):
        return pd.array(np.array(values, dtype=bool), dtype="boolean")

    def one(v):
        if isinstance(v, str):
            return {"true": True, "false": False}.get(v.strip().lower())
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, (int, float)):
            return bool(v)
        return None

    return pd.array([one(v) for v in values], dtype="boolean")


def _has_path(record, path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(record, dict) or key not in record:
            return False
        record = record[key]
    return True


def build_frame(
    records: Iterable[dict],
    fields: Sequence[Field],
    keep_extra: bool = False,
    where: tuple[str, str] | None = None,
) -> pd.DataFrame:
    builder = FrameBuilder(fields, keep_extra, where)
    builder.add(list(records))
    return builder.frame()


def empty_frame(fields: Sequence[Field]) -> pd.DataFrame:
    return FrameBuilder(fields).frame()


def concat(frames: Sequence[pd.DataFrame], fields: Sequence[Field]) -> pd.DataFrame:
    """Frames of one dataset end to end, keeping category columns categorical (plain pd.concat
    turns categoricals with different categories into object columns)."""
    frames = [f for f in frames if len(f)] or list(frames[:1])
    if not frames:
        return empty_frame(fields)
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    joined = pd.concat(frames, ignore_index=True)
    for f in fields:
        if f.kind == "category":
            joined[f.column] = union_categoricals([part[f.column] for part in frames])
    return joined
