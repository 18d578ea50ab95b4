"""Untrusted text, made safe for where it is shown or written.

- `plain`: control characters (C0, C1, DEL, zero-width and bidirectional overrides) removed,
  line breaks and tabs turned into spaces, and very long text cut with "…". Every other
  function starts from it.
- `markdown`: for Streamlit's Markdown (st.markdown, captions, widget labels, tooltips): every
  ASCII punctuation mark backslash-escaped (CommonMark's own escape), so no link, HTML,
  emphasis, `:color[...]`, LaTeX `$` or heading survives, and an invisible word joiner inside
  `https://`, `www.` and `a@b.org`, which GitHub-flavoured Markdown links whatever the escapes.
- `slack`: for Slack mrkdwn: URLs and e-mail addresses broken as in `markdown` (Slack links them
  too), `&`, `<`, `>` as entities (Slack's only escapes) and the formatting
  marks `*`, `_`, `~` and backticks, which Slack cannot escape, swapped for look-alikes where
  they could open or close formatting (an underscore inside a word, as in data_platform, stays).
- `cell`: for CSV and Excel cells (OWASP's CSV injection guidance): a text starting with `=`,
  `+`, `-`, `@`, tab or carriage return gets a leading `'`, so a spreadsheet shows it as text.
"""

from __future__ import annotations

import re
import string

LIMIT = 200  # characters shown of one value in a sentence, a label or a tooltip
ELLIPSIS = "…"
# C0 and C1 controls and DEL, zero-width characters, and the bidirectional controls that can
# make a name read backwards (U+202E) or hide part of it.
CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff]"
)
BREAKS = re.compile(r"[\t\n\r]+")
MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
# GitHub-flavoured Markdown turns `https://…`, `www.…` and `a@b.org` into links even when every
# mark is escaped (it reads the text after the escapes): an invisible word joiner inside each
# (`https:⁠//`, `www⁠.`, `a@⁠b.org`) is what breaks the pattern; the text reads the same.
AUTOLINK = re.compile(r"(?i)[a-z][a-z0-9+.-]*:/|www\.|@.")
WORD_JOINER = "\u2060"
# A Slack formatting mark that touches something other than a letter or digit on one side can
# open or close bold, italic, strike or code.
SLACK_MARK = re.compile(r"(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])|`")
SLACK_LOOKALIKE = {"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(value, limit: int | None = LIMIT, *, lines: bool = False) -> str:
    """`value` as one line of plain text (or several, with `lines=True`): no control or
    invisible characters, at most `limit` characters (None: no limit)."""
    text = CONTROLS.sub("", "" if value is None else str(value))
    if lines:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    else:
        text = BREAKS.sub(" ", text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + ELLIPSIS
    return text


def markdown(value, limit: int | None = LIMIT) -> str:
    """`value` as literal text inside Streamlit Markdown: nothing in it is markup."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", _unlinked(plain(value, limit)))


def _unlinked(text: str) -> str:
    return AUTOLINK.sub(lambda found: found.group(0)[:-1] + WORD_JOINER + found.group(0)[-1], text)


def slack(value, limit: int | None = LIMIT) -> str:
    """`value` as literal text inside Slack mrkdwn."""
    text = (
        _unlinked(plain(value, limit))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    return SLACK_MARK.sub(lambda found: SLACK_LOOKALIKE[found.group(0)], text)


def cell(value):
    """A spreadsheet cell's value: text that a spreadsheet would run as a formula gets a
    leading `'`; control characters (which Excel refuses) are removed. Other values unchanged."""
    if not isinstance(value, str):
        return value
    text = value
    if text.startswith(FORMULA_START):
        text = "'" + text
    return CONTROLS.sub("", text)


def csv_cell(value):
    """`cell`, with carriage returns as line feeds: Python's CSV writer quotes a cell holding a
    line feed but not one holding a lone carriage return, which would split the row."""
    text = cell(value)
    if not isinstance(text, str):
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def url(value) -> str:
    """A URL as it may be shown or logged: a user name and password in it (a proxy's, say) as
    `***`, the query string's values as `***` (tokens travel there), as plain text."""
    from urllib.parse import parse_qsl, urlsplit, urlunsplit

    text = plain(value, None)
    try:
        parts = urlsplit(text)
    except ValueError:
        return "(a URL that cannot be read)"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    query = parts.query
    if query:
        query = "&".join(f"{k}=***" for k, _ in parse_qsl(query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
