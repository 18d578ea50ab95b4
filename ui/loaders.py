"""The only @st.cache_data functions, and the one way pages get a vendor's data: `read_dataset`.

`read_dataset` validates the range (before anything is sent), asks the store's ledger what the view
lacks and syncs that through the same code as `python -m sync` (progress shown), then returns
what DuckDB computes from the store: the dataset at the view's granularity, model requests
rolled up per day and person. Raw rows never sit in Streamlit's memory. Cache entries are keyed
by the store's version, so a sync (here or by cron) shows at the next rerun.

Datasets the store does not keep (Builder.io users' totals over a range, Codefresh's report
list) are loaded through the cached client call `load`, keyed by (vendor, endpoint, range,
granularity, space, credential fingerprint, base URL): the key itself is passed as `_source`,
which Streamlit does not hash, so a key never becomes part of a cache key.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics import metrics, queries
from analytics.reader import MODEL_REQUESTS, RAW_ROWS, describe
from config.settings import Source
from connectors import endpoints, ranges
from connectors.errors import VENDOR_NAMES, ConnectorError
from store import Store
from sync import clients, kept_frames
from sync import on_demand as history
from teams import privacy
from teams.mapping import to_csv
from ui import access, audit_log, status, team_source
from ui import settings as app_settings

TTL_SECONDS = 15 * 60
SYNC_NOW_STATE = "_sync_now"


def granularity_of(endpoint: str, granularity: str | None) -> str | None:
    """The caller's granularity, or the only one the endpoint serves."""
    dataset = endpoints.CATALOGUE.get(endpoint)
    if dataset is None:
        return granularity
    fixed, only = dataset.fixed_granularity
    return only if fixed else granularity


def _progress_bar(what: str):
    """A progress callback that draws a bar once there is something to show."""
    bar = None

    def progress(*args) -> None:
        nonlocal bar
        done, total = args[-4:-2] if len(args) == 5 else args
        if total <= 1:
            return
        text = f"{what}: window {done} of {total}"
        if bar is None:
            bar = st.progress(0.0, text=text)
        bar.progress(min(1.0, done / total), text=text)

    def close() -> None:
        if bar is not None:
            bar.empty()

    return progress, close


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner="Fetching from the vendor API...")
def load(
    vendor: str,
    endpoint: str,
    start: dt.date | None,
    end: dt.date | None,
    granularity: str | None,
    fingerprint: str,
    base_url: str | None,
    space: str | None = None,
    _source: Source | None = None,
) -> pd.DataFrame:
    """A dataset the store does not keep, straight from the client (Builder.io users' totals
    over a range, Codefresh's report list)."""
    client = clients.build(_source, space=space)
    if endpoint == "builder.org_users":
        return client.org_users(start, end)
    if endpoint == "codefresh.metadata":
        return client.metadata()
    raise KeyError(f"{endpoint} is kept in the store; use read_dataset()")


@st.cache_data(ttl=TTL_SECONDS, max_entries=256, show_spinner=False)
def aggregate(
    store_url: str,
    version: str,
    endpoint: str,
    granularity: str | None,
    scope: str,
    start: dt.date,
    end: dt.date,
    _store: Store,
) -> pd.DataFrame:
    """What a page reads of one dataset, computed by DuckDB. `version` changes with every write
    to the dataset, so a cached entry never outlives the data it came from. Also kept on disk
    for the next server (sync/kept_frames.py)."""
    dataset = endpoints.get(endpoint)
    scopes = [scope]

    def compute() -> pd.DataFrame:
        if dataset.stored_as(granularity) == granularity:
            return queries.rows(_store, dataset, granularity, scopes, start, end)
        return queries.rolled_up(_store, dataset, granularity, scopes, start, end)

    kept = kept_frames.frames_for(store_url)
    if kept is None:
        return compute()
    key = repr(("aggregate", version, endpoint, granularity, scope, start, end))
    return kept_frames.remembered(kept, key, compute)


@st.cache_data(ttl=TTL_SECONDS, max_entries=128, show_spinner=False)
def derived(kind: str, identity: tuple, _build: Callable[[], object]):
    """A pure derivation of cached loads (the overview's tables, a chart's spec), keyed by what
    it was derived from, so a warm rerun rebuilds nothing. Callers pass only identities of
    complete loads: a view with a failed vendor is rebuilt every time, never cached. Also kept
    on disk for the next server (sync/kept_frames.py)."""
    kept = _kept_frames()
    if kept is None:
        return _build()
    return kept_frames.remembered(kept, _kept_key(kind, identity), _build)


def _kept_key(kind: str, identity: tuple) -> str:
    """The key of a derivation on disk, where another process reads it. A key's fingerprint is
    salted per process (config.settings): there it is the vendor's name instead, the store's
    folder and version saying whose data these are (a typed key has a store of its own)."""
    text = repr(("derived", kind, identity, people_salt()))
    for source in app_settings.current().sources.values():
        if not source.demo:
            text = text.replace(source.fingerprint, f"{source.vendor}:key")
    return text


def _kept_frames():
    """The folder of frames kept on disk for the Codefresh source's store (its identity holds
    every source's version), or None."""
    current = app_settings.current()
    return kept_frames.frames_for(history.shelf(current.sources["codefresh"]).store.url)


def sync_now() -> None:
    """ "Sync now": this run's loads fetch the unsettled tail again, however recent. Admins
    only (checked here, on the server, whatever the button showed)."""
    if not access.allowed("sync now"):
        st.toast(access.refusal("press Sync now"), icon=":material/lock:")
        return
    st.session_state[SYNC_NOW_STATE] = True
    audit_log.note("sync now", None)


def sync_now_done() -> None:
    st.session_state.pop(SYNC_NOW_STATE, None)
    st.session_state.pop(SYNC_NOW_GRANTED, None)


# "Sync now" spends vendor requests: at most once per SYNC_NOW_EVERY per vendor and store, for
# every session of this process; a press while one runs waits for it (joins it) instead.
SYNC_NOW_EVERY = dt.timedelta(minutes=10)
SYNC_NOW_JOIN_SECONDS = 120.0
SYNC_NOW_GRANTED = "_sync_now_granted"  # vendors this run's Sync now may fetch again
_sync_now_lock = threading.Lock()
_sync_now_last: dict[tuple[str, str], float] = {}  # (store, vendor) -> monotonic time
_sync_now_running: dict[tuple[str, str], threading.Event] = {}


def _sync_now_claim(source: Source) -> tuple[bool, str | None]:
    """(whether this run's Sync now may fetch `source`'s tail again, a note when not)."""
    granted = st.session_state.setdefault(SYNC_NOW_GRANTED, set())
    if source.vendor in granted:
        return True, None
    key = (history.shelf(source).store.url, source.vendor)
    with _sync_now_lock:
        running = _sync_now_running.get(key)
        last = _sync_now_last.get(key)
        now = time.monotonic()
        free = running is None and (last is None or now - last >= SYNC_NOW_EVERY.total_seconds())
        if free:
            _sync_now_last[key] = now
            _sync_now_running[key] = threading.Event()
            granted.add(source.vendor)
            return True, None
    if running is not None:
        running.wait(SYNC_NOW_JOIN_SECONDS)  # joined: its fetch serves this view too
        return False, None
    minutes = SYNC_NOW_EVERY.seconds // 60
    return False, (
        f"{VENDOR_NAMES.get(source.vendor, source.vendor)} was synced now less than {minutes} "
        "minutes ago: showing what that sync fetched."
    )


def _sync_now_finished(source: Source) -> None:
    key = (history.shelf(source).store.url, source.vendor)
    with _sync_now_lock:
        running = _sync_now_running.pop(key, None)
    if running is not None:
        running.set()


def store_version(source: Source, datasets) -> str:
    """The version of what `source`'s store holds of `datasets` (derived caches key on it)."""
    return history.shelf(source).store.version([d for d in datasets if d.startswith(source.vendor)])


class NotKept(ConnectorError):
    """A dataset the store does not keep (Builder.io users, Codefresh's report list), asked of
    a read-only store's deployment: it fetches nothing, so the page says why it is missing."""


def read_dataset(
    source: Source,
    endpoint: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    granularity: str | None = None,
    space: str | None = None,
) -> pd.DataFrame:
    """A dataset for a view. Raises the connector's errors (InvalidRangeError before any
    request when the range breaks the endpoint's rules). Tells `status` what the vendor did
    with the key: answered, refused it (AuthError) or could not be reached (any other failure).
    Model requests are asked for with `requests` instead."""
    granularity = granularity_of(endpoint, granularity)
    dataset = endpoints.get(endpoint)
    if dataset.key in RAW_ROWS:
        raise ValueError(f"{endpoint}: far too many rows for a page; use requests()")
    if not dataset.stored:
        return _unstored(source, dataset, start, end, granularity, space)
    store = _synced(source, dataset, start, end, granularity, space)
    return people(
        aggregate(
            store.url,
            store.version(dataset.key, dataset.stored_as(granularity)),
            dataset.key,
            granularity,
            space or "org",
            start,
            end,
            _store=store,
        )
    )


def _unstored(source: Source, dataset, start, end, granularity, space) -> pd.DataFrame:
    """A dataset the store does not keep, from the cached client call `load` (`read_dataset`)."""
    if history.shelf(source).store.read_only:
        raise NotKept(
            source.vendor,
            f"{dataset.label} are not kept in the history store, and this read-only "
            "deployment fetches nothing from the vendors. Open the app where it may fetch "
            "(not a viewer deployment) to see them.",
        )
    if dataset.spans:
        ranges.plan(dataset.rules, start, end, granularity)  # raises before sending
    return people(
        _answered(
            source,
            lambda: load(
                source.vendor,
                dataset.key,
                start,
                end,
                granularity,
                source.fingerprint,
                source.base_url,
                space,
                _source=source,
            ),
        )
    )


def people(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as pages may show it: with PSEUDONYMIZE_PEOPLE on, every email is a pseudonym
    (the teams mapping is pseudonymised alike, so team filters still match)."""
    salt = people_salt()
    return privacy.pseudonymize(frame, salt) if salt else frame


def people_salt() -> str | None:
    """The pseudonym salt when people are pseudonymised in this run, else None."""
    current = app_settings.current()
    return team_source.salt(current) if current.pseudonymize else None


def _answered(source: Source, call: Callable):
    """`call()`, telling `status` what became of the key: an answer (a cached one too), a
    refusal (AuthError) or a failure (any other ConnectorError: not "live" in this run)."""
    try:
        result = call()
    except ConnectorError as err:
        status.record_load(source, err)
        raise
    status.record_load(source)
    return result


def _synced(source: Source, dataset, start, end, granularity, space) -> Store:
    """The store of `source`, holding what a view of [start, end] needs: the range checked
    against the endpoint's rules (before anything is sent), what is lacking synced."""
    ranges.plan(dataset.rules, start, end, granularity)  # raises before anything is sent
    _answered(source, lambda: _ensure(source, dataset, start, end, granularity, space))
    return history.shelf(source).store


# A viewer's view is served from what the store holds: a viewer's range fetches nothing before
# the store's first held day, or before this many days ago when the store holds less (what the
# pages' default ranges need on a new deployment). Admins (and `python -m sync`) backfill.
VIEWER_FETCH_DAYS = 120


def viewer_floor(source: Source, dataset, granularity, scope: str) -> dt.date:
    """The first day a viewer's load may fetch: the store's first held day, or the first of
    the month VIEWER_FETCH_DAYS ago, whichever is earlier."""
    recent = ranges.utc_today() - dt.timedelta(days=VIEWER_FETCH_DAYS)
    floor = recent.replace(day=1)
    store = history.shelf(source).store
    held = store.held(dataset.key, dataset.stored_as(granularity), scope)
    return min([floor, *(first for first, _ in held)])


def _ensure(source: Source, dataset, start, end, granularity, space) -> None:
    """Sync what the view lacks, with a progress bar while windows are fetched."""
    scope = space or "org"
    if source.live and not access.allowed("fetch older history"):
        floor = viewer_floor(source, dataset, granularity, scope)
        if start < floor:
            st.caption(
                f"{describe(dataset.key)} before {floor} is shown from what the history store "
                "holds (nothing is fetched for a viewer there); an admin or `python -m sync "
                "--since` fetches older days."
            )
            start = floor
        if start > end:
            return
    progress, close = _progress_bar(f"Syncing {describe(dataset.key)}")
    # A live key the vendor has not yet answered in this process fetches the recent days
    # whatever their age: the answer proves the key before the shared history is shown with it.
    unproven = source.live and not history.proven(source)
    sync_now, limited = False, None
    if st.session_state.get(SYNC_NOW_STATE) and access.allowed("sync now"):
        sync_now, limited = _sync_now_claim(source)
    fresh_for = None if sync_now or unproven else history.TAIL_FRESH_FOR
    try:
        note = history.ensure(
            source,
            dataset,
            granularity,
            scope,
            start,
            end,
            progress=progress,
            fresh_for=fresh_for,
        )
    finally:
        close()
        if sync_now:
            _sync_now_finished(source)
    history.prove(source)
    for said in (note, limited):
        if said:
            st.caption(said)


@st.cache_data(ttl=TTL_SECONDS, max_entries=128, show_spinner=False)
def _unfilled(
    store_url: str, version: str, endpoint: str, granularity, scope: str, start, end, _store: Store
) -> list[tuple[object, int, int]]:
    dataset = endpoints.get(endpoint)
    return queries.unfilled(_store, dataset, granularity, start, end, [scope])


def field_warnings(
    source: Source,
    endpoint: str,
    start: dt.date,
    end: dt.date,
    granularity: str | None = None,
    space: str | None = None,
) -> list[str]:
    """One warning per field the vendor left out or sent as null in the stored rows of
    [start, end] (optional by its docs, or a documented number): said, never read as 0."""
    from sync import gaps

    dataset = endpoints.get(endpoint)
    if not dataset.stored:
        return []
    store = history.shelf(source).store
    g = dataset.stored_as(granularity_of(endpoint, granularity))
    found = _unfilled(
        store.url, store.version(dataset.key, g), dataset.key, g, space or "org", start, end, store
    )
    return [gaps.page_line(describe(endpoint), source.vendor, *item) for item in found]


def unknown_days(
    source: Source,
    endpoint: str,
    start: dt.date,
    end: dt.date,
    granularity: str | None = None,
    space: str | None = None,
) -> list[tuple[dt.date, dt.date]]:
    """Days of [start, end] whose data `source`'s store cannot tell (a damaged history file,
    days between held periods it lacks): a page leaves their periods empty and calls a total
    over them unknown, never zero."""
    return history.unknown_days(
        source, endpoint, granularity_of(endpoint, granularity), start, end, space or "org"
    )


def requests(
    source: Source,
    start: dt.date,
    end: dt.date,
    by: tuple[str, ...] = (),
    per_day: bool = True,
    lens=None,
) -> pd.DataFrame:
    """Firebender model requests summed by `by` (email, model, mode, spend_type) and, with
    `per_day`, by day: what a view shows, computed by DuckDB (`queries.requests_summed`).
    `lens` (analytics.lens.Lens): only its people's requests on their days in the team."""
    store = _synced(source, endpoints.get(MODEL_REQUESTS), start, end, None, None)
    if lens is not None:
        key, team, salt = _team_of(lens)
        return people(
            _team_requests(
                store.url,
                store.version(MODEL_REQUESTS),
                start,
                end,
                tuple(by),
                per_day,
                key,
                _store=store,
                _team=team,
                _salt=salt,
            )  # fmt: skip
        )
    return people(
        summed_requests(
            store.url, store.version(MODEL_REQUESTS), start, end, tuple(by), per_day, _store=store
        )
    )


def _team_of(lens) -> tuple[tuple, tuple, str | None]:
    """(cache key, (mapping, members), salt) of a team lens: the key holds the mapping as
    text (pseudonyms, when on) and whether people are pseudonymised, never the salt."""
    salt = people_salt()
    key = (to_csv(lens.mapping), tuple(sorted(lens.members)), salt is not None)
    return key, (lens.mapping, lens.members), salt


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _team_requests(
    store_url: str, version: str, start, end, by: tuple, per_day: bool, key: tuple,
    _store: Store, _team=None, _salt=None,
) -> pd.DataFrame:  # fmt: skip
    dataset = endpoints.get(MODEL_REQUESTS)
    return queries.requests_summed(_store, dataset, start, end, by, per_day, _team, _salt)


def team_usage(source: Source, start: dt.date, end: dt.date, lens) -> tuple:
    """A team's Firebender daily usage summed per day, and its distinct people using AI per
    day, week and month (`queries.team_usage`): rows per day whatever the team's size."""
    store = _synced(source, endpoints.get(queries.DAILY_USAGE), start, end, "day", None)
    key, team, salt = _team_of(lens)
    return _team_usage(store.url, store.version(queries.DAILY_USAGE), start, end, key,
                       _store=store, _team=team, _salt=salt)  # fmt: skip


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _team_usage(
    store_url: str, version: str, start, end, key: tuple, _store: Store, _team=None, _salt=None
) -> tuple:
    return queries.team_usage(_store, start, end, *_team, _salt)


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def summed_requests(
    store_url: str, version: str, start, end, by: tuple, per_day: bool, _store: Store
) -> pd.DataFrame:
    dataset = endpoints.get(MODEL_REQUESTS)
    kept = kept_frames.frames_for(store_url)  # kept on disk for the next server
    if kept is None:
        return queries.requests_summed(_store, dataset, start, end, by, per_day)
    key = repr(("summed_requests", version, start, end, by, per_day))
    return kept_frames.remembered(
        kept, key, lambda: queries.requests_summed(_store, dataset, start, end, by, per_day)
    )


def usage(source: Source, start: dt.date, end: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Firebender's daily usage as the organisation's views read it: summed per day, and the
    distinct people using AI per day, week and month counted by DuckDB (the store's rollups,
    `store.rollups.usage`): a few hundred rows whatever the headcount, no person in them."""
    store = _synced(source, endpoints.get(queries.DAILY_USAGE), start, end, "day", None)
    return usage_summed(store.url, store.version(queries.DAILY_USAGE), start, end, _store=store)


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def usage_summed(
    store_url: str, version: str, start, end, _store: Store
) -> tuple[pd.DataFrame, pd.DataFrame]:
    kept = kept_frames.frames_for(store_url)  # kept on disk for the next server
    if kept is None:
        return queries.usage_summed(_store, start, end)
    key = repr(("usage_summed", version, start, end))
    return kept_frames.remembered(kept, key, lambda: queries.usage_summed(_store, start, end))


def usage_by_day(source: Source, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Firebender's daily usage summed per day by DuckDB, every measure
    (`queries.usage_by_day`): the Firebender page's organisation views, no person in them."""
    store = _synced(source, endpoints.get(queries.DAILY_USAGE), start, end, "day", None)
    return _usage_sums(store.url, store.version(queries.DAILY_USAGE), start, end, _store=store)


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _usage_sums(store_url: str, version: str, start, end, _store: Store) -> pd.DataFrame:
    return queries.usage_by_day(_store, start, end)


def usage_by_person(
    source: Source,
    start: dt.date,
    end: dt.date,
    limit: int = metrics.BOARD_PEOPLE,
    lens=None,
) -> tuple[pd.DataFrame, int]:
    """The `limit` people with the most accepted lines, their daily usage summed over the range
    by DuckDB, and how many people there are (`queries.usage_by_person`); emails as the
    viewer may see them. `lens`: the team's people, on their days in it."""
    store = _synced(source, endpoints.get(queries.DAILY_USAGE), start, end, "day", None)
    key, team, salt = _team_of(lens) if lens is not None else (None, None, None)
    board, total = _usage_people(
        store.url, store.version(queries.DAILY_USAGE), start, end, limit, key, _store=store,
        _team=team, _salt=salt,
    )  # fmt: skip
    return people(board), total


def requests_of_people(
    source: Source,
    start: dt.date,
    end: dt.date,
    limit: int = metrics.BOARD_PEOPLE,
    top: int = 10,
    lens=None,
) -> pd.DataFrame:
    """Model requests summed per person for the Firebender page's people table: everyone's
    when the table shows everyone, else only its people (`usage_by_person`'s) and the `top`
    by cost (`queries.requests_of_people`); emails as the viewer may see them. `lens`: the
    team's people, on their days in it."""
    usage_store = _synced(source, endpoints.get(queries.DAILY_USAGE), start, end, "day", None)
    key, team, salt = _team_of(lens) if lens is not None else (None, None, None)
    board, everyone = _usage_people(
        usage_store.url, usage_store.version(queries.DAILY_USAGE), start, end, limit, key,
        _store=usage_store, _team=team, _salt=salt,
    )  # fmt: skip
    emails = tuple(board["email"]) if everyone > len(board) else None
    store = _synced(source, endpoints.get(MODEL_REQUESTS), start, end, None, None)
    return people(
        _requests_of_people(
            store.url,
            store.version(MODEL_REQUESTS),
            start,
            end,
            emails,
            top,
            key,
            _store=store,
            _team=team,
            _salt=salt,
        )  # fmt: skip
    )


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _requests_of_people(
    store_url: str, version: str, start, end, emails, top: int, key=None, _store: Store = None,
    _team=None, _salt=None,
) -> pd.DataFrame:  # fmt: skip
    dataset = endpoints.get(MODEL_REQUESTS)
    return queries.requests_of_people(_store, dataset, start, end, emails, top, _team, _salt)


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _usage_people(
    store_url: str, version: str, start, end, limit: int, key=None, _store: Store = None,
    _team=None, _salt=None,
) -> tuple[pd.DataFrame, int]:  # fmt: skip
    return queries.usage_by_person(_store, start, end, limit, _team, _salt)


def team_sums(
    source: Source, endpoint: str, mapping, start: dt.date, end: dt.date, granularities
) -> queries.TeamSums:
    """`endpoint` summed per team and period of each of `granularities` by DuckDB, the teams
    mapping joined on key and day (`queries.team_sums`): the Teams page's rows, per team and
    period whatever the headcount. People are pseudonyms when this run pseudonymises them (the
    mapping is pseudonymised alike)."""
    dataset = endpoints.get(endpoint)
    granularity = None if dataset.key == MODEL_REQUESTS else "day"
    store = _synced(source, dataset, start, end, granularity, None)
    salt = people_salt()
    return _team_sums(
        store.url,
        store.version(dataset.key),
        dataset.key,
        to_csv(mapping),  # pseudonyms, when on: never an email in a cache key then
        start,
        end,
        tuple(granularities),
        salt is not None,
        _store=store,
        _mapping=mapping,
        _salt=salt,
    )


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _team_sums(
    store_url: str,
    version: str,
    endpoint: str,
    mapping_csv: str,
    start,
    end,
    granularities: tuple,
    pseudonymized: bool,
    _store: Store,
    _mapping=None,
    _salt: str | None = None,
) -> queries.TeamSums:
    def compute() -> queries.TeamSums:
        return queries.team_sums(_store, endpoint, _mapping, start, end, granularities, _salt)

    kept = kept_frames.frames_for(store_url)  # kept on disk for the next server
    if kept is None:
        return compute()
    # The mapping's text holds pseudonyms when people are pseudonymised: a salt of its own
    # gives a key of its own.
    key = repr(("team_sums", version, endpoint, mapping_csv, start, end, granularities))
    return kept_frames.remembered(kept, key, compute)


# ---------------------------------------------------------------- Explore: raw rows in the store


def raw_rows(source: Source, endpoint: str, start: dt.date, end: dt.date):
    """Make the store hold [start, end] of a dataset whose raw rows Explore pages through, and
    give (store, dataset) for the `raw_*` queries."""
    dataset = endpoints.get(endpoint)
    return _synced(source, dataset, start, end, granularity_of(endpoint, None), None), dataset


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def raw_summary(
    store_url: str,
    version: str,
    endpoint: str,
    start,
    end,
    selections: tuple,
    pseudonymized: bool,
    _store: Store,
    _salt: str | None = None,
    team: tuple | None = None,
) -> tuple[int, dict[str, list[str]]]:
    """(rows chosen, every dimension's values in the range). People are pseudonyms when
    `pseudonymized` (the salt itself is never part of a cache key). `team`: only the rows of
    those (person, first day, last day), none for an empty tuple; None: everyone's."""
    dataset = endpoints.get(endpoint)
    g = granularity_of(endpoint, None)
    values = {
        dim: queries.distinct(_store, dataset, g, start, end, dim, _salt)
        for dim in dataset.dimensions
    }
    chosen = queries.count(_store, dataset, g, start, end, dict(selections), _salt, team)
    return chosen, values


@st.cache_data(ttl=TTL_SECONDS, max_entries=32, show_spinner=False)
def raw_page(
    store_url: str,
    version: str,
    endpoint: str,
    start,
    end,
    selections: tuple,
    offset: int,
    limit: int,
    pseudonymized: bool,
    _store: Store,
    _salt: str | None = None,
    team: tuple | None = None,
) -> pd.DataFrame:
    dataset = endpoints.get(endpoint)
    g = granularity_of(endpoint, None)
    return queries.page(
        _store, dataset, g, start, end, offset, limit, dict(selections), _salt, team
    )


def offered_reports(source: Source) -> list[endpoints.Dataset]:
    """Codefresh reports the account's metadata lists beyond the catalogue's (none when the
    metadata cannot be read: Explore then offers the catalogue alone)."""
    try:
        found = read_dataset(source, "codefresh.metadata")
    except ConnectorError:
        return []
    extra = endpoints.codefresh_reports(found)
    endpoints.register(extra)
    return extra


class PageReader:
    """The app's `analytics.reader.Reader`: what a view lacks is synced first (progress shown),
    results are cached by store version, and the vendor's answer sets its badge."""

    def dataset(self, source, endpoint, start=None, end=None, granularity=None, space=None):
        return read_dataset(source, endpoint, start, end, granularity, space)

    def requests(self, source, start, end, by=(), per_day=True):
        return requests(source, start, end, by, per_day)

    def version(self, source, datasets):
        return store_version(source, datasets)

    def derived(self, kind, identity, build):
        return derived(kind, identity, build)

    def answered(self, source, call):
        return _answered(source, call)

    def store(self, source):
        return history.shelf(source).store

    def teams(self, settings):
        return team_source.current(settings)

    def unknown_days(self, source, endpoint, granularity, start, end, scope="org"):
        return history.unknown_days(source, endpoint, granularity, start, end, scope)

    def usage(self, source, start, end):
        return usage(source, start, end)

    def team_sums(self, source, endpoint, mapping, start, end, granularities):
        return team_sums(source, endpoint, mapping, start, end, granularities)


READER = PageReader()


# ---------------------------------------------------------------- what pages ask beyond data


def space_names(source: Source) -> dict[str, str]:
    """Builder.io space key -> the name shown (the demo's spaces have names)."""
    return clients.demo_spaces() if source.demo else {key: key for key in clients.spaces(source)}


def test_connection(source: Source):
    """The Connections page's "Test connection": one small request with the key."""
    return clients.test_connection(source)


def where_lines(settings) -> list[str]:
    return history.where_lines(settings)


def new_page_run() -> None:
    history.new_page_run()


# ---------------------------------------------------------------- pages get only what they draw


def space_lines(
    source: Source,
    start: dt.date,
    end: dt.date,
    granularity: str,
    top: int = 6,
    table: int = 20,
    lens=None,
) -> queries.SpaceLines:
    """Builder.io's lines per space for the page (`queries.space_lines`): the `top` spaces'
    series (the rest as "Other"), the `table` spaces' totals and how many spaces there are,
    summed by DuckDB over every space: rows per period x space shown, whatever the number of
    spaces. `lens`: the team's spaces, each on the periods the mapping puts it in the team."""
    dataset = endpoints.get(queries.ORG_SPACE_METRICS)
    store = _synced(source, dataset, start, end, granularity, None)
    version = store.version(dataset.key, dataset.stored_as(granularity))
    key, team = (None, None)
    if lens is not None:
        key = (to_csv(lens.mapping), tuple(sorted(lens.members)))
        team = (lens.mapping, lens.members)
    return _space_lines(store.url, version, start, end, granularity, top, table, key,
                        _store=store, _team=team)  # fmt: skip


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _space_lines(
    store_url: str, version: str, start, end, granularity: str, top: int, table: int, key=None,
    _store: Store = None, _team=None,
) -> queries.SpaceLines:  # fmt: skip
    return queries.space_lines(_store, start, end, granularity, top, table, _team)


def space_tokens(
    source: Source,
    start: dt.date,
    end: dt.date,
    granularity: str,
    spaces: dict[str, str],
    top: int | None = None,
) -> pd.DataFrame:
    """The space metrics of `spaces` (key -> name), each space synced (a request of its own to
    the vendor), then read together by ONE DuckDB query with the space as a column
    (`queries.space_tokens`; `top`: only tokens per period of the `top` spaces and "Other")."""
    dataset = endpoints.get(queries.SPACE_METRICS)
    store = history.shelf(source).store
    for key in spaces:
        store = _synced(source, dataset, start, end, granularity, key)
    version = store.version(dataset.key, dataset.stored_as(granularity))
    return _space_tokens(store.url, version, start, end, granularity, tuple(spaces.items()), top,
                         _store=store)  # fmt: skip


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _space_tokens(
    store_url: str, version: str, start, end, granularity: str, spaces: tuple, top, _store: Store
) -> pd.DataFrame:
    return queries.space_tokens(_store, start, end, granularity, dict(spaces), top)


def builder_users(
    source: Source, start: dt.date, end: dt.date, lens=None, limit: int = metrics.BOARD_PEOPLE
) -> tuple[pd.DataFrame, int, pd.DataFrame]:
    """Builder.io's users table as the page shows it (`metrics.builder_users_top`): the `limit`
    people with the most accepted lines, how many people there are, and totals over all of
    them; `lens`: the people the team holds on `end`. The users endpoint is not kept in the
    store (per-person totals over a range, no day to keep them by), so these come from the
    vendor's answer (cached by `load`), not DuckDB; emails as the viewer may see them."""
    users = _unstored(source, endpoints.get("builder.org_users"), start, end, None, None)
    if lens is not None:
        from analytics.metrics.explore import team_rows

        users = team_rows(lens, users, "builder.org_users", end)
    return metrics.builder_users_top(users, limit)


def builder_users_export(source: Source, start: dt.date, end: dt.date, lens=None):
    """A callable giving every Builder.io user of [start, end] (of the team `lens` on `end`),
    as the table orders them, for the page's CSV built when clicked: it asks the vendor then
    (its answer is not kept), in a thread where Streamlit cannot draw."""
    salt = people_salt()

    def build() -> pd.DataFrame:
        users = clients.build(source).org_users(start, end)
        users = privacy.pseudonymize(users, salt) if salt else users
        if lens is not None:
            from analytics.metrics.explore import team_rows

            users = team_rows(lens, users, "builder.org_users", end)
        return metrics.builder_users_table(users)

    return build


def usage_totals(source: Source, start: dt.date, end: dt.date, lens=None) -> pd.DataFrame:
    """Firebender's daily usage summed over every person of the range (of the team `lens`, on
    their days in it) by DuckDB (`queries.usage_totals`): the totals beside the people table,
    never the sum of the people it shows."""
    store = _synced(source, endpoints.get(queries.DAILY_USAGE), start, end, "day", None)
    key, team, salt = _team_of(lens) if lens is not None else (None, None, None)
    return _usage_totals(store.url, store.version(queries.DAILY_USAGE), start, end, key,
                         _store=store, _team=team, _salt=salt)  # fmt: skip


@st.cache_data(ttl=TTL_SECONDS, max_entries=64, show_spinner=False)
def _usage_totals(
    store_url: str, version: str, start, end, key=None, _store: Store = None, _team=None,
    _salt=None,
) -> pd.DataFrame:  # fmt: skip
    return queries.usage_totals(_store, start, end, _team, _salt)


def people_export(source: Source, start: dt.date, end: dt.date, lens=None, requests: bool = True):
    """A callable giving the Firebender page's people table for every person of the range (of
    the team `lens`, on their days in it), with their model requests beside them when the page
    shows them (`requests`): DuckDB's sums of what the store holds, read when the CSV is asked
    for, in a thread where Streamlit cannot draw. Nothing is fetched for it: the page's own
    loads synced what it shows."""
    store = history.shelf(source).store
    _, team, team_salt = _team_of(lens) if lens is not None else (None, None, None)
    salt = people_salt()

    def build() -> pd.DataFrame:
        summed, _ = queries.usage_by_person(store, start, end, None, team, team_salt)
        spent = None
        if requests:
            dataset = endpoints.get(MODEL_REQUESTS)
            spent = queries.requests_of_people(store, dataset, start, end, None, 10, team,
                                               team_salt)  # fmt: skip
        if salt:  # as `people` does for the page's loads
            summed = privacy.pseudonymize(summed, salt)
            spent = privacy.pseudonymize(spent, salt)
        return metrics.leaderboard(summed, spent)

    return build
