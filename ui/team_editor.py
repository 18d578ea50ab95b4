"""The Teams page's parts that are not charts: the within-team answer's box, the people who
moved team, and the mapping's editor (edit in a table, check, save, download).

With PSEUDONYMIZE_PEOPLE on, the editor shows people's pseudonyms, never their emails; saving
puts each unchanged pseudonym's email back, and the download (which would carry emails) is off.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.metrics.team_verdict import MIN_MONTHS, MIN_TEAMS
from config.settings import Settings
from teams import files, privacy
from teams.mapping import COLUMNS, KINDS, Problem, editable_rows, from_frame, problems_in, to_csv
from ui import access, audit_log, editor_form, team_source
from ui import page as ui

EDITOR_KEY = "teams__editor"
EDITOR_VERSION = "_teams_editor_version"  # bumped after a save: the editor reloads the file
EXPLANATION = (
    "Per team and finished week: `log(CI credits per person)` is fitted on the team's "
    "AI-active share, with a **fixed effect per team** (each team's own level: heavy pipelines "
    "are not 'more AI'), **one per week** (whatever the whole organisation shared that week: "
    "drift, holidays, prices), **each team's own straight-line trend** (a team whose CI grows "
    "for its own reasons while it adopts is not 'more AI') and `log(people)` (ordinary least "
    "squares, statsmodels; the wider of the Driscoll-Kraay and the classical interval). What "
    "is left is each team's own change "
    "in AI use against its own change in credits. The effect is stated per 10 points of share "
    "with a 95% interval; 'Evidence' only when the interval excludes no change. It is an "
    "association, not proof of cause. At least "
    f"{MIN_TEAMS} teams over {MIN_MONTHS} weeks are needed; below that it says what is missing. "
    "Unassigned and groups hidden for privacy are left out. **What it cannot see**: people are "
    "counted from the teams mapping, so someone who joined mid-range is counted from the start "
    "unless the mapping gives their `valid_from` day; an effect that arrives weeks later is "
    "mostly missed; and an effect that reaches every team at once (CI that follows the whole "
    "organisation's AI use, not each team's) is removed with the week effects: that is the "
    "Overview's question, not this one. The benchmark measures how often it says 'Evidence' without a link and how "
    "often it finds a planted effect (README, The answer, and how far to trust it)."
)
TABLE_COLUMNS = {
    "team": "Team",
    "period": "Period",
    "complete": "Whole period",
    "people": ui.number_column("People", "count"),
    "ai_active": ui.number_column("AI-active people", "count"),
    "ai_share": ui.number_column("AI-active share", "share"),
    "ai_spend_usd": ui.number_column("AI spend", "usd"),
    "ai_spend_per_person": ui.number_column("AI spend per person", "usd"),
    "accepted_lines": ui.number_column("Accepted AI lines", "count"),
    "ci_credits": ui.number_column("CI credits", "credits"),
    "ci_spend_usd": ui.number_column("CI spend", "usd"),
    "credits_per_person": ui.number_column("Credits per person", "credits"),
}


def verdict_box(answer) -> None:
    ui.verdict_box(answer, EXPLANATION, key="teams__verdict")


def moves_table(view) -> None:
    """People in several teams within the range, and the AI days counted for each."""
    moved = view.moved
    if moved is None or moved.empty or not access.allowed("see people"):
        return
    label, hidden = view.groups.label, view.groups.hidden
    shown = moved[~moved["team"].isin(hidden)].copy()
    shown["team"] = shown["team"].map(lambda t: label.get(t, t))  # already pseudonyms when on
    st.subheader(
        "People who moved team",
        anchor=False,
        help="Each day's activity counts for the team the person was in that day: their "
        "history is split at the move, not carried along.",
    )
    ui.dataframe(
        shown,
        column_config={
            "person": "Person",
            "team": "Team",
            "first": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
            "last": st.column_config.DateColumn("To", format="YYYY-MM-DD"),
            "ai_days": ui.number_column("Days with AI use counted there", "count"),
        },
    )


def _rows(teams) -> pd.DataFrame:
    """The file's rows as text, even when it is refused (so they can be fixed here)."""
    empty = pd.DataFrame({c: pd.Series(dtype=str) for c in COLUMNS})
    try:
        text = files.read_text(teams.location)
    except (OSError, UnicodeDecodeError):
        return empty
    if not text:
        return empty
    records = editable_rows(text, COLUMNS)
    return pd.DataFrame(records, columns=list(COLUMNS)).astype(str) if records else empty


def _recorded(text: str, record, rows: int):
    def make() -> str:
        record(rows)
        return text

    return make


def _text(teams) -> str | None:
    try:
        return files.read_text(teams.location)
    except (OSError, UnicodeDecodeError):
        return None


def _unrevealing(problems: list, pseudonyms: bool) -> list:
    """With pseudonyms on, a refusal of a person's row does not say which other row it meets
    (its line, team or dates): typing a guessed e-mail would otherwise point at the row whose
    pseudonym it is."""
    if not pseudonyms:
        return problems
    return [
        Problem(p.line, "this person already has a row whose dates overlap these")
        if p.message.startswith("person ") and " is already in team " in p.message
        else p
        for p in problems
    ]


def editor(teams, settings: Settings) -> None:
    if not access.allowed("edit the teams mapping"):
        # Not drawn at all: the mapping names people, and a viewer cannot save it.
        st.info(access.refusal("see and edit the teams mapping"), icon=":material/lock:")
        return
    st.subheader(
        "The teams mapping",
        anchor=False,
        help="Edit the rows, check them, then save (to the file the app reads) or download the "
        "CSV for your repository. Changing the mapping needs no new sync: every page "
        "recomputes from the history.",
    )
    st.caption(f"Read from and saved to `{teams.location}`.")
    rows = _rows(teams)
    back: dict[str, str] = {}
    if settings.pseudonymize:
        salt = team_source.salt(settings)
        people = rows["kind"].str.lower() == "person"
        for email in rows.loc[people, "match"]:
            back[privacy.pseudonym(email, salt)] = email
        rows.loc[people, "match"] = rows.loc[people, "match"].map(
            lambda e: privacy.pseudonym(e, salt)
        )
        st.caption(
            "People are shown as pseudonyms (PSEUDONYMIZE_PEOPLE). A pseudonym left as it is "
            "keeps its person; type an email to add someone."
        )
    version = st.session_state.get(EDITOR_VERSION, 0)
    edited = st.data_editor(
        rows,
        key=f"{EDITOR_KEY}_{version}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "kind": st.column_config.SelectboxColumn("kind", options=list(KINDS), required=True),
            "match": st.column_config.TextColumn("match", help="email, pipeline (glob), space"),
            "team": st.column_config.TextColumn("team"),
            "valid_from": st.column_config.TextColumn("valid_from", help="YYYY-MM-DD or empty"),
            "valid_to": st.column_config.TextColumn("valid_to", help="YYYY-MM-DD or empty"),
        },
    )
    restored = edited.copy()
    if back:
        people = restored["kind"].astype(str).str.lower() == "person"
        restored.loc[people, "match"] = restored.loc[people, "match"].map(lambda m: back.get(m, m))
    oversize = files.too_big(len(restored), to_csv(restored))
    problems = [oversize] if oversize else _unrevealing(problems_in(restored), bool(back))
    refused = bool(problems)
    check, save = editor_form.actions(
        "teams",
        "teams.csv",
        # With pseudonyms on, even a disabled button's data is served to the browser.
        ""
        if refused or settings.pseudonymize
        else _recorded(to_csv(restored), audit_log.recorder("export teams.csv"), len(restored)),
        refused=refused,
        download_off=settings.pseudonymize,
        help="Off while people are pseudonymised: the file names them."
        if settings.pseudonymize
        else "The mapping as a CSV, for your repository.",
    )
    if problems:
        editor_form.refuse("The mapping is refused", problems)
    elif check:
        mapping = from_frame(restored)
        st.success(
            f"The mapping is valid: {len(mapping.rules)} rows, {len(mapping.teams)} teams.",
            icon=":material/check:",
        )
    if save and not problems:
        editor_form.save(
            lambda: team_source.save(teams, files.with_comments(_text(teams), to_csv(restored))),
            action="save the teams mapping",
            audited="save teams mapping",
            unsaved="The mapping could not be saved to {location} ({error}); download it instead.",
            location=teams.location,
            rows=len(restored),
            version_key=EDITOR_VERSION,
            saved="Teams mapping saved; every page now uses it.",
        )
