"""A download's bytes are made when clicked (`ui.page.export_maker`), from a frame or from a
function that builds one then: the file, or a file that says why it failed, never a silent empty
download; the audit records the rows actually written."""

import pandas as pd

from analytics import export
from ui.page import export_maker


def test_a_frame_and_a_builder_give_the_same_file_and_record_the_rows():
    frame = pd.DataFrame({"user_email": ["a@x.io", "=HYPERLINK(1)"], "accepted_lines": [3, 4]})
    recorded = []
    built = export_maker(lambda: frame, "csv", recorded.append, rows=99)()
    held = export_maker(frame, "csv", recorded.append)()
    assert built == held == export.to_bytes(frame, "csv")
    assert recorded == [2, 2]  # the rows written, not the rows announced


def test_a_builder_that_fails_gives_a_file_that_says_so_with_the_rows_asked_for():
    recorded = []

    def build():
        raise OSError("store unreadable")

    said = export.read_back(export_maker(build, "csv", recorded.append, rows=1131)(), "csv")
    assert said.columns.tolist() == ["error"]
    assert "OSError: store unreadable" in said["error"][0]
    assert "1,131 rows were not written" in said["error"][0]
    assert recorded == []  # nothing was exported


def test_a_frame_that_cannot_be_written_says_how_many_rows_were_lost():
    frame = pd.DataFrame(0, index=range(3), columns=range(16_385))  # wider than an Excel sheet
    said = export_maker(frame, "xlsx")()
    sheet = export.read_back(said, "xlsx")
    assert "3 rows were not written" in sheet["error"][0]
