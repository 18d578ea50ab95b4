"""The teams mapping at scale: a 1,000,000-row TEAMS_FILE read by a page run, the first time
(parsed) and on every later run (the same version of the file: taken from memory).

    python -m bench.mapping_parse [--rows N]

Before, every page run parsed the file again (team_source.current); now it is parsed once per
version of the file (size, modification time, inode; an object store's ETag)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from config import settings as app_settings
from ui import team_source

TEAMS = [f"Team {i:02d}" for i in range(40)]


def mapping_csv(rows: int) -> str:
    lines = ["kind,match,team,valid_from,valid_to"]
    for i in range(rows):
        lines.append(f"person,dev{i:07d}@example.com,{TEAMS[i % len(TEAMS)]},,")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "teams.csv"
        path.write_text(mapping_csv(args.rows))
        settings = app_settings.resolve({}, {"TEAMS_FILE": str(path)}, {}, {})
        started = time.perf_counter()
        team_source._read(settings, str(path))  # what every page run did before
        parse = time.perf_counter() - started
        timings = []
        for _ in range(args.runs + 1):
            started = time.perf_counter()
            teams = team_source.current(settings)
            timings.append(time.perf_counter() - started)
        assert teams.active and len(teams.mapping.rules) == args.rows, teams.error
        size = path.stat().st_size
    print(f"{args.rows:,} rows (~{size / 2**20:.0f} MiB):")
    print(f"  parse (every page run before): {parse:.2f} s")
    print(f"  first page run now (parsed):   {timings[0]:.2f} s")
    later = sorted(timings[1:])[len(timings[1:]) // 2]
    print(f"  later page runs now (median of {args.runs}): {later * 1000:.2f} ms")


if __name__ == "__main__":
    main()
