"""Tiles and tables write numbers the same readable way: money with cents, thousands
separators, percentages with one decimal."""

from __future__ import annotations

from ui import page as ui


def test_tiles_write_money_with_cents_and_separate_thousands():
    assert ui._format(36193.399999999994, "usd") == "$36,193.40"
    assert ui._format(12.5, "usd") == "$12.50"
    assert ui._format(0.12345, "share") == "12.3%"
    assert ui._format(36193.4, "credits") == "36,193"
    assert ui._format(1234567.0, "count") == "1,234,567"
    assert ui._format(None, "usd") == "-"


def test_table_columns_are_formatted_by_what_they_hold():
    assert ui.number_column("Cost", "usd")["type_config"]["format"] == "$%,.2f"
    assert ui.number_column("Credits", "credits")["type_config"]["format"] == "%,.1f"
    assert ui.number_column("People", "count")["type_config"]["format"] == "%,d"
    share = ui.number_column("Share", "share")["type_config"]
    assert (share["format"], share["step"]) == ("percent", 0.001)
    # raw: as the CSV holds them, still with separators
    assert ui.number_column("credits", "credits", friendly=False)["type_config"]["format"] == (
        "%,.2f"
    )
    assert ui.number_column("share", "share", friendly=False)["type_config"]["format"] == "%,.4f"
    assert ui.number_column("x", None)["type_config"]["format"] == "localized"
