"""History: Parquet files are the system of record, DuckDB (in memory) is the query engine, and
each partition file carries its own coverage record (the ledger).

    from store import Store
    s = Store(".history")                       # or "s3://bucket/prefix"
    s.ledger("firebender.daily_usage", "day")   # coverage runs (what is held, when fetched)
    s.rows("firebender.daily_usage", "day", start=date(2026, 1, 1), end=date(2026, 1, 31))
    s.sql("SELECT count(*) FROM {firebender.model_requests}")

Readers never lock: a partition is replaced in one atomic step, so a query sees each partition
either before or after a write. Only `sync` writes, through `store.writer.Writer`. The `Store`
itself is `store/api.py`; names are imported from it on first use (PEP 562).
"""

from __future__ import annotations

from safe.lazy import exports

_EXPORTS = {
    name: "api"
    for name in ("Store", "StoreError", "typed", "ALERTS_PATH", "QUARANTINE", "AUDIT_DIR")
}
__all__ = list(_EXPORTS)

__getattr__, __dir__ = exports(__name__, _EXPORTS)
