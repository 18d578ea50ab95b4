"""The Teams page in Chromium: its charts and pickers, the mapping edited in the data editor
(checked, downloaded, saved and shown), and, with PSEUDONYMIZE_PEOPLE on, no email anywhere the
browser can see on any page: not in a websocket frame either way, an HTTP response, a media file
or a download."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pytest

from connectors.sandbox.teams import MOVE_DAY, MOVER, SMALL_TEAM, demo_teams_csv
from teams.mapping import parse
from teams.privacy import pseudonym

from .conftest import ARTIFACTS, running_app
from .test_browser import CHART

BIG_TEAMS = ("Design system", "Mobile", "Platform", "Web")
VERDICT = re.compile(
    r"Evidence of more CI credits with more AI use|Evidence of fewer CI credits with more AI use"
    r"|No clear evidence either way"
)
EMAIL = re.compile(rb"[A-Za-z0-9._%+-]+@example\.com")
PSEUDONYM = re.compile(rb"person-[0-9a-f]{10}")
MEDIA = re.compile(rb"/media/[0-9a-f]{16,}\.[a-z]+")
SALT = "browser-test-salt-9c41"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
LONG = 120_000  # ms: a first load under a busy machine


def idle(page) -> None:
    """Wait until Streamlit has finished the current run (after letting a new one start)."""
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=LONG)


def snap_whole(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own container, so the
    viewport is made as tall as the content for the picture."""
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 120, 9000)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size(size)
    page.wait_for_timeout(300)


def chart_texts(page) -> list[list[str]]:
    """Each chart's SVG text (titles, axis labels, facet headers)."""
    return page.locator(CHART).evaluate_all(
        "els => els.map(e => [...e.querySelectorAll('svg text')].map(t => t.textContent))"
    )


def open_teams(page, url: str, query: str = "") -> None:
    page.goto(f"{url}/teams{query}")
    page.get_by_role("heading", name="Teams", exact=True).first.wait_for(timeout=LONG)
    page.get_by_text(VERDICT).first.wait_for(timeout=LONG)
    page.wait_for_function(
        f'document.querySelectorAll("{CHART} svg, {CHART} canvas").length >= 3',
        timeout=LONG,
    )
    idle(page)


def choose(page, select_label: str, option: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text=select_label).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)


# ---------------------------------------------------------------- the demo page


def test_teams_page_charts_granularity_and_measure(page, app_url):
    # The page opens on the overview's 90 days; the demo's move is earlier in the year.
    open_teams(page, app_url, f"?start={MOVE_DAY - dt.timedelta(days=28)}")
    assert page.get_by_text("Demo data", exact=True).first.is_visible()
    assert not page.locator("[data-testid='stException']").count()
    small_multiples, heat_map, ranking = chart_texts(page)[:3]
    for team in BIG_TEAMS:
        assert team in small_multiples and team in heat_map and team in ranking, team
    assert "CI credits per person" in small_multiples  # the default measure's axis
    assert SMALL_TEAM not in " ".join(" ".join(t) for t in chart_texts(page))
    assert page.get_by_text(re.compile(r"1 team with fewer than 5 people is not shown")).count()
    assert page.get_by_role("heading", name="People who moved team").count()

    page.get_by_role("radio", name="Quarter", exact=True).click()
    page.wait_for_url(re.compile(r"granularity=quarter"), timeout=LONG)
    page.get_by_role("heading", name="Per team and quarter").wait_for(timeout=LONG)
    idle(page)
    page.wait_for_selector(f"{CHART} svg")

    choose(page, "Measure", "AI-active share")
    page.wait_for_url(re.compile(r"measure=ai_share"), timeout=LONG)
    page.wait_for_function(
        f"""() => {{
            const chart = document.querySelector("{CHART}");
            return chart && [...chart.querySelectorAll('svg text')]
                .some(t => t.textContent === 'AI-active share');
        }}""",
        timeout=LONG,
    )
    small_multiples = chart_texts(page)[0]
    assert all(team in small_multiples for team in BIG_TEAMS)
    assert not page.locator("[data-testid='stException']").count()
    snap_whole(page, "teams.png")


# ---------------------------------------------------------------- the mapping's editor


class Grid:
    """The mapping's data editor, a glide-data-grid canvas: a cell is reached by a click and
    arrow keys (checked against the grid's accessible table, which says which cell is selected)
    and written by Enter, select all, type, Tab."""

    MATCH_X = 300  # px into the canvas: the match column (a text column) at 1440 px wide
    HEADER, ROW = 35, 35

    def __init__(self, page):
        self.page = page
        self.root = page.locator("[data-testid='stDataFrame']").filter(
            has=page.locator("button[aria-label='Add row']")
        )
        self.canvas = self.root.get_by_test_id("data-grid-canvas")

    def selected(self) -> tuple[int, int] | None:
        ids = self.root.locator("td[aria-selected=true]").evaluate_all("es => es.map(e => e.id)")
        if len(ids) != 1:
            return None
        col, row = (int(n) for n in ids[0].split("-")[-2:])
        return row, col

    def _click(self, offset_rows: int = 0) -> None:
        box = self.canvas.bounding_box()
        y = box["y"] + self.HEADER + self.ROW // 2 + self.ROW * offset_rows
        self.page.mouse.click(box["x"] + self.MATCH_X, y)
        self.page.wait_for_timeout(400)

    def go(self, row: int, col: int) -> None:
        self.canvas.scroll_into_view_if_needed()
        for _ in range(10):
            self._click()
            if self.selected():
                break
        top, _ = self.selected()
        if top < row <= top + 8:
            self._click(row - top)
        for _ in range(80):
            at = self.selected()
            if at == (row, col):
                break
            r, c = at
            key = (
                "ArrowDown"
                if row > r
                else "ArrowUp"
                if row < r
                else "ArrowRight"
                if col > c
                else "ArrowLeft"
            )
            self.page.keyboard.press(key)
            self.page.wait_for_timeout(300)  # the grid takes a key at a time
        assert self.selected() == (row, col), (self.selected(), row, col)

    def cell(self, row: int, col: int):
        return self.root.get_by_test_id(f"glide-cell-{col}-{row}")

    def write(self, row: int, col: int, text: str) -> None:
        self.go(row, col)
        self.page.keyboard.press("Enter")
        self.page.wait_for_timeout(400)
        self.page.keyboard.press("ControlOrMeta+a")
        if text:
            self.page.keyboard.type(text)
        else:
            self.page.keyboard.press("Backspace")
        self.page.wait_for_timeout(200)
        self.page.keyboard.press("Tab")
        idle(self.page)
        self.go(row, col)
        assert self.cell(row, col).inner_text() == text

    def pick(self, row: int, col: int, option: str) -> None:
        """A select column: Enter opens its list, typing filters it, Enter takes the option."""
        self.go(row, col)
        self.page.keyboard.press("Enter")
        self.page.get_by_role("option", name=option, exact=True).wait_for()
        self.page.keyboard.type(option)
        self.page.wait_for_timeout(300)
        self.page.keyboard.press("Enter")
        idle(self.page)
        self.page.keyboard.press("Escape")

    def add_row(self) -> None:
        self.root.hover()
        self.root.get_by_role("button", name="Add row").click()
        idle(self.page)


@pytest.fixture(scope="module")
def teams_app(tmp_path_factory):
    """Demo data with the demo's mapping in a TEAMS_FILE this test may change: (URL, path)."""
    path = tmp_path_factory.mktemp("teams") / "teams.csv"
    path.write_text(demo_teams_csv())
    with running_app(TEAMS_FILE=str(path)) as url:
        yield url, path


def alerts(page) -> str:
    return "\n".join(page.locator("[data-testid='stAlert']").all_inner_texts())


def test_edit_check_download_and_save_the_mapping(page, teams_app, tmp_path):
    url, path = teams_app
    rows = len(parse(demo_teams_csv()).rules)
    open_teams(page, url)
    page.get_by_text(f"Read from and saved to {path}").first.wait_for()
    grid = Grid(page)
    assert grid.cell(0, 2).inner_text() == MOVER

    # A date that does not exist is refused with its line; nothing can be saved.
    grid.write(1, 4, "2026-02-30")
    page.get_by_text(re.compile(r"line 3: valid_from '2026-02-30' is not a date")).wait_for()
    assert "The mapping is refused (nothing saved)" in alerts(page)
    assert page.get_by_role("button", name="Save").is_disabled()
    assert page.get_by_role("button", name="Download teams.csv").is_disabled()
    grid.write(1, 4, "")
    page.wait_for_function("!/is not a date/.test(document.body.innerText)", timeout=LONG)

    # Five people to a new team, and a new pipeline row for it.
    for row in range(1, 6):
        grid.write(row, 3, "Research")
    grid.add_row()
    grid.pick(rows, 1, "pipeline")
    grid.write(rows, 2, "research-*")
    grid.write(rows, 3, "Research")
    page.get_by_role("button", name="Check").click()
    page.get_by_text(f"The mapping is valid: {rows + 1} rows, 6 teams.").wait_for(timeout=LONG)
    assert path.read_text() == demo_teams_csv()  # checked, not saved

    with page.expect_download() as info:
        page.get_by_role("button", name="Download teams.csv").click()
    assert info.value.suggested_filename == "teams.csv"
    downloaded = tmp_path / "teams.csv"
    info.value.save_as(downloaded)
    mapping = parse(downloaded.read_text())
    research = {r.match for r in mapping.rules if r.team == "Research"}
    assert len(mapping.rules) == rows + 1 and len(research) == 6 and "research-*" in research

    page.get_by_role("button", name="Save").click()
    page.get_by_text("Teams mapping saved").first.wait_for(timeout=LONG)
    idle(page)
    # the saved file is the download plus the file's own comment lines, kept at its top
    saved = path.read_text().splitlines()
    assert [
        line for line in saved if not line.startswith("#")
    ] == downloaded.read_text().splitlines()
    assert saved[0].startswith("# Teams of the sandbox's demo organisation")
    page.wait_for_function(
        f"""() => [...document.querySelectorAll("{CHART} svg text")]
            .some(t => t.textContent === 'Research')""",
        timeout=LONG,
    )
    small_multiples = chart_texts(page)[0]
    assert "Research" in small_multiples
    grid = Grid(page)  # the editor reloads the saved file
    grid.go(rows, 3)
    assert grid.cell(rows, 3).inner_text() == "Research"
    assert grid.cell(rows, 2).inner_text() == "research-*"
    assert not page.locator("[data-testid='stException']").count()
    snap_whole(page, "teams-edited.png")


# ---------------------------------------------------------------- pseudonyms everywhere

PAGES = {
    "Overview": "AI adoption vs CI credits",
    "Builder": "Builder.io Fusion",
    "Firebender": "Firebender",
    "Codefresh": "Codefresh CI",
    "Teams": "Teams",
    "Explore & export": "Explore & export",
    "Connections": "Connections",
}
# Explore's datasets that name people, downloaded as CSV.
PEOPLE_DATASETS = (
    "Firebender - model requests",
    "Firebender - daily usage",
    "Builder.io - users",
    "Codefresh - active committers",
)


@dataclass
class Seen:
    """Everything the browser received or sent while visiting the app."""

    frames: list[tuple[str, bytes]] = field(default_factory=list)  # ("received"/"sent", data)
    bodies: list[tuple[str, str, bytes]] = field(default_factory=list)  # (url, file name, body)
    html: list[str] = field(default_factory=list)
    downloads: dict[str, bytes] = field(default_factory=dict)

    def received(self) -> list[bytes]:
        return [data for way, data in self.frames if way == "received"]


def _bytes(payload) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()


def _file_name(headers: dict) -> str:
    found = re.search(r'filename="?([^";]+)', headers.get("content-disposition", ""))
    return found.group(1) if found else ""


@pytest.fixture(scope="module")
def pseudonymous_visit(browser, tmp_path_factory):
    """Every page of an app with PSEUDONYMIZE_PEOPLE on, visited in one session, and what the
    browser saw; the Firebender page is photographed."""
    seen = Seen()
    folder = tmp_path_factory.mktemp("downloads")
    with running_app(PSEUDONYMIZE_PEOPLE="true", PSEUDONYM_SALT=SALT) as url:
        context = browser.new_context(
            viewport={"width": 1440, "height": 1000},
            accept_downloads=True,
            timezone_id="America/Los_Angeles",
        )
        page = context.new_page()
        page.set_default_timeout(90_000)

        def watch(ws):
            ws.on("framereceived", lambda data: seen.frames.append(("received", _bytes(data))))
            ws.on("framesent", lambda data: seen.frames.append(("sent", _bytes(data))))

        responses = []
        page.on("websocket", watch)
        page.on("response", lambda response: responses.append(response))

        fetched: set[str] = set()

        def collect() -> None:
            """The page's HTML, and every media file its frames name (a download button's
            data is one, fetched or not), while the run that made them is current."""
            seen.html.append(page.content())
            for data in seen.received():
                for media in {m.decode() for m in MEDIA.findall(data)} - fetched:
                    answer = page.request.get(url + media)
                    fetched.add(media)
                    if answer.ok:
                        seen.bodies.append((media, _file_name(answer.headers), answer.body()))

        def download(name: str) -> None:
            with page.expect_download() as info:
                page.get_by_role("button", name="CSV", exact=True).first.click()
            path = folder / f"{len(seen.downloads)}-{info.value.suggested_filename}"
            info.value.save_as(path)
            seen.downloads[name] = path.read_bytes()

        page.goto(url)
        page.get_by_role("heading", name=PAGES["Overview"], exact=True).first.wait_for(timeout=LONG)
        for link, title in PAGES.items():
            page.get_by_role("link", name=link).first.click()
            page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=LONG)
            idle(page)
            if link not in ("Explore & export", "Connections"):
                page.wait_for_selector(CHART, timeout=LONG)
                idle(page)
            if link == "Teams":  # the range carried from the Overview; a year has the move
                page.get_by_role("radio", name="Last 12 months").click()
                idle(page)
                page.get_by_text(VERDICT).first.wait_for(timeout=LONG)
                page.get_by_role("heading", name="People who moved team").wait_for(timeout=LONG)
                idle(page)
            if link == "Firebender":
                page.wait_for_function(
                    f'document.querySelectorAll("{CHART}").length >= 4', timeout=LONG
                )
                idle(page)
                snap_whole(page, "firebender-pseudonyms.png")
            collect()
            if link == "Explore & export":
                for dataset in PEOPLE_DATASETS:
                    choose(page, "Dataset", dataset)
                    page.get_by_role("heading", name=dataset, exact=True).wait_for(timeout=LONG)
                    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=LONG)
                    idle(page)
                    collect()
                    download(dataset)
        collect()
        for response in responses:
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - a redirect or a stream has no body to read
                continue
            seen.bodies.append((response.url, _file_name(response.headers), body))
        context.close()
    return seen


def _leaks(seen: Seen, but: str | None = None) -> list[str]:
    found = []
    for way, data in seen.frames:
        found += [f"websocket frame {way}: {m.decode()}" for m in EMAIL.findall(data)]
    for where, name, body in seen.bodies:
        if name != but:
            found += [f"{where} ({name}): {m.decode()}" for m in EMAIL.findall(body)]
    for html in seen.html:
        found += [f"page HTML: {m.decode()}" for m in EMAIL.findall(html.encode())]
    for name, data in seen.downloads.items():
        found += [f"download {name}: {m.decode()}" for m in EMAIL.findall(data)]
    return sorted(set(found))


def test_pseudonyms_on_every_page_and_no_email_reaches_the_browser(pseudonymous_visit):
    seen = pseudonymous_visit
    received = seen.received()
    assert len(received) > 50 and [d for w, d in seen.frames if w == "sent"]
    assert len(seen.html) >= len(PAGES) and seen.bodies
    # The search would find people: pseudonyms are there, the mover's among them.
    assert sum(len(PSEUDONYM.findall(d)) for d in received) > 50
    assert any(pseudonym(MOVER, SALT).encode() in d for d in received)
    for dataset in PEOPLE_DATASETS[:2]:
        data = seen.downloads[dataset]
        assert data.count(b"\n") > 10 and PSEUDONYM.search(data), dataset
    # ... and no email anywhere, but the disabled teams.csv button's file (next test).
    assert not _leaks(seen, but="teams.csv")


def test_the_disabled_teams_csv_download_holds_no_emails(pseudonymous_visit):
    files = [body for _, name, body in pseudonymous_visit.bodies if name == "teams.csv"]
    assert not [b for b in files if EMAIL.search(b)]
