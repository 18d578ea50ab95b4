import pandas as pd
import pytest

from connectors import schemas
from connectors.frames import FrameBuilder, build_frame, concat, empty_frame, snake_case

SCHEMA_NAMES = [n for n in dir(schemas) if n.isupper() and not n.startswith("_")]
ALL_SCHEMAS = [getattr(schemas, n) for n in SCHEMA_NAMES]


def dtypes(frame):
    return {c: str(t) if str(t) != "category" else "category" for c, t in frame.dtypes.items()}


@pytest.mark.parametrize("fields", ALL_SCHEMAS, ids=SCHEMA_NAMES)
def test_an_empty_result_has_the_same_columns_and_dtypes(fields):
    one = {}
    for f in fields:
        node = one
        for key in f.path[:-1]:
            node = node.setdefault(key, {})
        node[f.path[-1]] = {
            "int": 1,
            "float": 1.5,
            "str": "x",
            "category": "c",
            "bool": True,
            "day": "2026-01-02",
            "day_ms": 1767312000000,
            "instant": "2026-01-02T03:04:05.678Z",
        }[f.kind]
    full, empty = build_frame([one], fields), empty_frame(fields)
    assert list(empty.columns) == [f.column for f in fields] == list(full.columns)
    assert dtypes(empty) == dtypes(full)
    assert len(empty) == 0 and full.notna().all().all()


def test_numbers_as_strings_nulls_and_missing_fields_are_read_leniently():
    rows = [
        {"period": "2026-01-01", "metrics": {"linesAdded": "12", "events": None, "users": 3.0}},
        {"period": "2026-01-02", "metrics": {"linesAdded": 5, "events": 7, "users": "n/a"}},
    ]
    frame = build_frame(rows, schemas.BUILDER_ORG_METRICS)
    assert frame["lines_added"].tolist() == [12, 5]
    assert frame["events"].isna().tolist() == [True, False]
    assert frame["users"].isna().tolist() == [False, True] and frame["users"][0] == 3
    assert frame["user_prompts"].isna().all()  # missing everywhere
    assert str(frame["lines_added"].dtype) == "Int64"
    assert frame["period"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-02")]


def test_times_are_utc_midnight_days_and_utc_instants():
    daily = build_frame([{"date": 1752192000000, "email": "a@x"}], schemas.FIREBENDER_DAILY_USAGE)
    assert daily["date"][0] == pd.Timestamp("2025-07-11")
    assert str(daily["date"].dtype) == "datetime64[ns]"
    req = build_frame(
        [{"timestamp": "2026-01-05T14:03:22.123Z"}], schemas.FIREBENDER_MODEL_REQUESTS
    )
    assert req["timestamp"][0] == pd.Timestamp("2026-01-05T14:03:22.123Z")
    assert str(req["timestamp"].dtype) == "datetime64[ns, UTC]"
    cf = build_frame(
        [{"key": "k", "time": "2024-09-01T00:00:00.000", "value": "2.5"}], schemas.CODEFRESH_REPORT
    )
    assert cf["period"][0] == pd.Timestamp("2024-09-01") and cf["value"][0] == 2.5


def test_pages_added_one_by_one_equal_one_build():
    rows = [
        {
            "requestId": str(i),
            "model": f"m{i % 3}",
            "mode": None if i % 4 else "ask",
            "inputTokens": i,
            "costUsd": i / 10,
        }
        for i in range(50)
    ]
    builder = FrameBuilder(schemas.FIREBENDER_MODEL_REQUESTS)
    for start in range(0, 50, 7):
        builder.add(rows[start : start + 7])
    pd.testing.assert_frame_equal(
        builder.frame(), build_frame(rows, schemas.FIREBENDER_MODEL_REQUESTS)
    )


def test_concat_keeps_categories_categorical():
    a = build_frame([{"requestId": "1", "model": "alpha"}], schemas.FIREBENDER_MODEL_REQUESTS)
    b = build_frame([{"requestId": "2", "model": "beta"}], schemas.FIREBENDER_MODEL_REQUESTS)
    joined = concat([a, b], schemas.FIREBENDER_MODEL_REQUESTS)
    assert str(joined["model"].dtype) == "category"
    assert joined["model"].tolist() == ["alpha", "beta"]


def test_extra_fields_are_kept_as_snake_case_columns_when_asked():
    frame = build_frame(
        [{"key": "a", "value": 1, "pipelineId": "p1"}, {"key": "b", "value": 2}],
        schemas.CODEFRESH_REPORT,
        keep_extra=True,
    )
    assert frame["pipeline_id"].tolist()[0] == "p1" and pd.isna(frame["pipeline_id"][1])
    assert "pipelineId" not in build_frame([{"pipelineId": "x"}], schemas.CODEFRESH_REPORT)


@pytest.mark.parametrize(
    "camel,snake",
    [
        ("linesAccepted", "lines_accepted"),
        ("cacheWriteTokens", "cache_write_tokens"),
        ("userID", "user_id"),
        ("ideOpened", "ide_opened"),
    ],
)
def test_snake_case(camel, snake):
    assert snake_case(camel) == snake


def test_integers_stay_exact_beyond_float_precision():
    big = 2**53 + 1
    frame = build_frame(
        [{"metrics": {"totalLines": big}}, {"metrics": {"totalLines": str(big)}}],
        schemas.BUILDER_ORG_METRICS,
    )
    assert frame["total_lines"][0] == big
    assert frame["total_lines"][1] == big
    too_big = build_frame([{"metrics": {"totalLines": 2**70}}], schemas.BUILDER_ORG_METRICS)
    assert too_big["total_lines"].isna().all()
