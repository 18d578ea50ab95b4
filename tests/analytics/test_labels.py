"""Friendly names for raw columns and values, declared once (analytics/labels.py)."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from analytics import labels


def test_spend_types_and_modes_read_as_people_say_them():
    assert labels.value_label("spend_type", "byok") == "Own key (BYOK)"
    assert labels.value_label("spend_type", "included") == "Included"
    assert labels.value_label("spend_type", "on-demand") == "On-demand"
    assert labels.value_label("mode", "write") == "Write"
    assert labels.value_label("mode", "release-notes-writer") == "release-notes-writer"
    assert labels.value_label("model", "gpt-5") == "gpt-5"  # model ids are kept
    assert labels.labeller("mode")("plan") == "Plan"


def test_codefresh_key_is_named_by_its_report():
    assert labels.column_label("key", "codefresh.credit_consumption") == "Resource class"
    assert labels.column_label("key", "codefresh.pipeline_credit_consumption") == "Pipeline"
    assert labels.column_label("value", "codefresh.credit_consumption") == "Credits"
    assert labels.column_label("value", "codefresh.active_committers") == "Active committers"
    assert labels.column_label("ci_credits") == "CI credits"  # a measure's own label
    assert labels.column_label("agent_full_accepts") == "Agent full accepts"


def test_relabel_changes_only_labelled_columns_and_keeps_missing_values():
    frame = pd.DataFrame(
        {
            "spend_type": pd.Categorical(["byok", None, "on-demand"]),
            "mode": pd.array(["write", "my-agent", None], dtype="str"),
            "email": ["a@x", "b@x", "c@x"],
            "cost_usd": [1.0, 2.0, 3.0],
        }
    )
    before = frame.copy()
    out = labels.relabel(frame)
    assert out["spend_type"].tolist()[0::2] == ["Own key (BYOK)", "On-demand"]
    assert pd.isna(out["spend_type"][1]) and pd.isna(out["mode"][2])
    assert out["mode"].tolist()[:2] == ["Write", "my-agent"]
    assert out["email"].tolist() == frame["email"].tolist()
    assert_frame_equal(frame, before)  # the frame given is not changed
    assert labels.relabel(frame, ["mode"])["spend_type"].tolist()[0] == "byok"


def test_a_missing_granularity_in_codefresh_metadata_means_the_whole_range():
    frame = pd.DataFrame({"granularity": pd.array([None, "day", "month"], dtype="str")})
    assert labels.relabel(frame)["granularity"].tolist() == ["Whole range", "Day", "Month"]
