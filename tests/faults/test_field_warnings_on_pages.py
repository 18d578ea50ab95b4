"""A field the vendor's docs call optional missing, or a documented number sent as null, is a
warning on the page that names the vendor, the dataset and the field (it used to be stored null
and shown as a smaller total, or as 0, without a word)."""

from __future__ import annotations

import pytest

from connectors.sandbox import FaultRule
from tests.app.conftest import open_page


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (
            "drift_optional",
            "Firebender model requests: `mode` (optional in Firebender's docs) is missing in ",
        ),
        ("drift_nulls", "Firebender daily usage: `agentPrompts` was sent as null in "),
    ],
)
def test_the_firebender_page_warns_of_a_missing_optional_field_or_a_null_number(live, fault, said):
    live.add_fault(FaultRule(fault, vendor="firebender"))
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    warned = [w.value for w in at.warning if said in w.value]
    assert len(warned) == 1, [w.value for w in at.warning]


def test_without_a_fault_the_firebender_page_warns_of_no_field(live):
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "rows of this range" in w.value]
