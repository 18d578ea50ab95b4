"""Vendor faults reach the pages as a message that names them, never as a wrong number."""

from __future__ import annotations

from connectors.sandbox import FaultRule

from .conftest import open_page, texts


def test_a_dropped_firebender_field_is_named_on_the_page_not_shown_as_zero(live):
    live.add_fault(FaultRule("drift_missing", vendor="firebender"))
    at = open_page("pages/firebender.py")
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(e.value for e in at.error)
    assert "Firebender" in said and "`agentPrompts` is missing" in said, said
    shown = texts(at)
    assert "$0.00" not in shown
    prompts = [m for m in at.metric if "prompt" in m.label.lower()]
    assert all(m.value not in ("0", 0) for m in prompts), [(m.label, m.value) for m in prompts]
