"""The writer prepares a fetch's rows in one step (store/writer.py `_prepared`: labels, the
range's rows, bookkeeping columns, unique by natural key keeping the last, in key order): the
rows, their types and the Arrow schema written (pandas' metadata included) must be exactly what
the steps taken one by one give, for every kind of dataset a sync writes, for rows in any order
and any index, and for fetches with a repeated or a missing key or rows outside the range."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from store.partitions import labels_of
from store.writer import _prepared

from .conftest import NOW
from .test_write_once_per_fetch import TARGETS, fetched


def step_by_step(frame: pd.DataFrame, dataset, first: dt.date, last: dt.date) -> pd.DataFrame:
    """The writer's steps as they were, one pandas call each."""
    natural = list(dataset.natural_key)
    frame = frame.assign(_label=labels_of(frame, dataset))
    frame = frame.loc[
        (frame["_label"] >= pd.Timestamp(first)) & (frame["_label"] <= pd.Timestamp(last))
    ]
    frame = frame.assign(_fetched_at=pd.Timestamp(NOW))
    frame = frame.assign(
        _label=frame["_label"].astype("datetime64[ns]"),
        _fetched_at=frame["_fetched_at"].astype("datetime64[ns, UTC]"),
    )
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame = frame.assign(**{name: frame[name].astype("str")})
    frame = frame.drop_duplicates(subset=natural, keep="last")
    return frame.sort_values(natural, ignore_index=True)


def assert_same(frame: pd.DataFrame, dataset, first: dt.date, last: dt.date) -> None:
    expected = step_by_step(frame, dataset, first, last)
    got = _prepared(frame, dataset, first, last, NOW)
    pd.testing.assert_frame_equal(got, expected)
    written = pa.Table.from_pandas(got, preserve_index=False)
    wanted = pa.Table.from_pandas(expected, preserve_index=False)
    assert written.equals(wanted) and written.schema.metadata == wanted.schema.metadata


@pytest.fixture(scope="module", params=TARGETS, ids=lambda t: f"{t.dataset.key}-{t.granularity}")
def windows(request, tmp_path_factory):
    from store import Store

    found = fetched(Store(str(tmp_path_factory.mktemp("plan"))), request.param)
    found = [(w, f) for w, f in found if len(f)]
    assert found
    return found


def test_the_rows_of_every_kind_of_fetch_are_those_the_steps_give(windows):
    for window, frame in windows:
        assert_same(frame, window.dataset, window.first, window.last)
        # The same rows in reverse order, under an index that is not 0..n-1.
        backwards = frame.iloc[::-1].set_axis(range(3 * len(frame), 2 * len(frame), -1))
        assert_same(backwards, window.dataset, window.first, window.last)


def test_a_repeated_key_keeps_its_last_row_and_rows_outside_the_range_go(windows):
    window, frame = max(windows, key=lambda item: len(item[1]))
    repeated = pd.concat([frame, frame.iloc[[0, len(frame) // 2]]], ignore_index=True)
    if len(repeated.columns) > len(window.dataset.natural_key):  # the repeat differs elsewhere
        other = repeated.columns.difference(list(window.dataset.natural_key))[0]
        repeated.loc[len(frame) :, other] = repeated.loc[len(frame) :, other].iloc[::-1].to_numpy()
    assert_same(repeated, window.dataset, window.first, window.last)
    labels = labels_of(frame, window.dataset).dt.date
    middle = sorted(set(labels))[len(set(labels)) // 2]
    assert_same(frame, window.dataset, window.first, middle)  # the later rows left out


def test_a_missing_key_is_kept_as_the_steps_keep_it(windows):
    window, frame = max(windows, key=lambda item: len(item[1]))
    natural = list(window.dataset.natural_key)
    text = [n for n in natural if not pd.api.types.is_datetime64_any_dtype(frame[n])]
    if not text:
        pytest.skip("a period key: a row without its period has no label to be written under")
    missing = frame.copy()
    missing.loc[[0, len(frame) - 1], text[0]] = pd.NA
    assert_same(missing, window.dataset, window.first, window.last)


def test_a_key_of_categories_is_ordered_as_the_steps_order_it(windows):
    # pandas orders categories by their codes, not their text: with the categories reversed,
    # a key of them must come out in the order the steps give (no catalogued dataset has such a
    # key today; a schema that adds one must not be written in another order).
    window, frame = max(windows, key=lambda item: len(item[1]))
    text = [c for c in frame.columns if frame[c].dtype == "str" and frame[c].nunique() > 2]
    if not text:
        pytest.skip("no text column to make categories of")
    column = text[0]
    one_each = frame.drop_duplicates(subset=[column]).reset_index(drop=True)
    categories = sorted(one_each[column].dropna().unique(), reverse=True)
    one_each[column] = pd.Categorical(one_each[column], categories=categories)
    keyed = dataclasses.replace(window.dataset, natural_key=(column,))
    assert_same(one_each, keyed, window.first, window.last)
