"""Firebender model-request pages as the API sends them: `{"data": [500 records], "nextCursor":
"..."}` as JSON bytes, the last page with `"nextCursor": null`.

Synthetic (numpy, seeded), not the sandbox's generator: producing a million records with the
sandbox's per-request `random.Random` calls would take minutes. The values follow the sandbox's
model-request generator (connectors/sandbox/data.py): its developer roster (emails, BYOK users),
its model ids and prices, its modes, the same token ranges and probabilities, ISO-8601
millisecond timestamps with a Z, `mr_` + 24 hex request ids, the API's field order, and cursors
made by the sandbox's own `encode_cursor`. Only the volume differs: a million requests over
2025-12-31 .. 2026-11-22 is a larger organisation (about 3,000 requests a day) than the demo's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import orjson

from connectors.sandbox import data
from connectors.sandbox.firebender import encode_cursor

RECORDS = 1_000_000
PER_PAGE = 500
SEED = 20261122
FIRST_DAY = data.MODEL_REQUESTS_START
LAST_DAY = dt.date(2026, 11, 22)
# The sandbox's mix (data._MODEL_WEIGHTS / data._MODE_WEIGHTS), by position in MODELS / MODES.
MODEL_WEIGHTS = (40, 6, 14, 18, 12, 10)
MODE_WEIGHTS = (55, 15, 15, 10, 5)


def _day_ms(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * 86_400_000


def _weights(values: tuple, count: int) -> np.ndarray:
    weights = np.asarray(values if len(values) == count else (1,) * count, dtype=float)
    return weights / weights.sum()


def make_pages(records: int = RECORDS, per_page: int = PER_PAGE, seed: int = SEED) -> list[bytes]:
    """`records` model requests, oldest first, as ceil(records / per_page) JSON pages."""
    rng = np.random.default_rng(seed)
    people = data.DEVELOPERS
    emails = [dev.email for dev in people]
    byok = np.array([dev.byok for dev in people])
    models = list(data.MODELS)
    prices = np.array([data.MODELS[m] for m in models])  # (input, output, read, write)
    modes = list(data.MODES)

    who = rng.integers(0, len(people), records)
    stamps = np.sort(
        rng.integers(_day_ms(FIRST_DAY), _day_ms(LAST_DAY + dt.timedelta(days=1)), records)
    )
    iso = np.datetime_as_string(stamps.astype("datetime64[ms]"), unit="ms")
    ids = rng.bytes(12 * records).hex()
    model = rng.choice(len(models), records, p=_weights(MODEL_WEIGHTS, len(models)))
    inp = rng.integers(800, 12_001, records)
    read = np.where(rng.random(records) < 0.2, 0, rng.integers(2_000, 80_001, records))
    out = rng.integers(150, 4_001, records)
    write = np.where(rng.random(records) < 0.4, rng.integers(500, 6_001, records), 0)
    cost = np.round(
        (
            inp * prices[model, 0]
            + out * prices[model, 1]
            + read * prices[model, 2]
            + write * prices[model, 3]
        )
        / 1e6,
        6,
    )
    spend = np.where(byok[who], 0, np.where(rng.random(records) < 0.15, 1, 2))
    spend_names = ("byok", "on-demand", "included")
    mode = rng.choice(len(modes), records, p=_weights(MODE_WEIGHTS, len(modes)))
    digest = "benchmark000000"

    pages = []
    for low in range(0, records, per_page):
        high = min(low + per_page, records)
        rows = [
            {
                "requestId": f"mr_{ids[24 * i : 24 * i + 24]}",
                "timestamp": f"{t}Z",
                "email": emails[w],
                "model": models[m],
                "inputTokens": a,
                "cacheReadTokens": b,
                "outputTokens": c,
                "cacheWriteTokens": d,
                "totalTokens": a + b + c + d,
                "costUsd": usd,
                "spendType": spend_names[s],
                "mode": modes[o],
            }
            for i, t, w, m, a, b, c, d, usd, s, o in zip(
                range(low, high),
                iso[low:high].tolist(),
                who[low:high].tolist(),
                model[low:high].tolist(),
                inp[low:high].tolist(),
                read[low:high].tolist(),
                out[low:high].tolist(),
                write[low:high].tolist(),
                cost[low:high].tolist(),
                spend[low:high].tolist(),
                mode[low:high].tolist(),
            )
        ]
        cursor = (
            encode_cursor((int(stamps[high - 1]), rows[-1]["requestId"]), digest)
            if high < records
            else None
        )
        pages.append(orjson.dumps({"data": rows, "nextCursor": cursor}))
    return pages


def write_pages(path: Path, pages: list[bytes]) -> None:
    """One page per line (compact JSON has no raw newline)."""
    with open(path, "wb") as out:
        for page in pages:
            out.write(page)
            out.write(b"\n")


def iter_pages(path: Path) -> Iterator[bytes]:
    """The pages of `write_pages`, read one at a time (no second copy of the whole file)."""
    with open(path, "rb") as source:
        for line in source:
            yield line[:-1] if line.endswith(b"\n") else line
