"""The store on S3 (moto's server on loopback, found through the usual AWS settings): a sync
writes it and `Store.rows` (DuckDB over fsspec) reads back what a local store holds."""

from __future__ import annotations

import pandas as pd
import pytest

from store import Store

from .conftest import NOW, TARGETS, sync_into

moto_server = pytest.importorskip("moto.server", reason="moto[s3,server] is a test dependency")
boto3 = pytest.importorskip("boto3")
s3fs = pytest.importorskip("s3fs")

BUCKET = "ai-ci-history"


@pytest.fixture
def s3(monkeypatch):
    """A bucket on a moto server of our own; yields its "s3://bucket/prefix" URL."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    s3fs.S3FileSystem.clear_instance_cache()
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    try:
        yield f"s3://{BUCKET}/team/history"
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()


def test_a_sync_into_s3_reads_back_as_the_same_rows_and_ledger_as_a_local_one(s3, synced_root):
    remote, local = Store(s3), Store(str(synced_root))
    assert not remote.root.local
    sync_into(remote)  # the same targets, range and clock as the local store's

    keys = boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="team/history/")
    written = sorted(o["Key"].removeprefix("team/history/") for o in keys["Contents"])
    rolled = [path for path in written if path.startswith("rollups/")]
    assert rolled == sorted(e.path for e in local.root.list("rollups"))  # derived tables too
    assert [p for p in written if p not in rolled] == sorted(e.path for _, e in local.entries())
    for t in TARGETS:
        args = (t.dataset.key, t.granularity)
        pd.testing.assert_frame_equal(
            remote.rows(*args, scopes=[t.scope], bookkeeping=True),
            local.rows(*args, scopes=[t.scope], bookkeeping=True),
            obj=f"{t.dataset.key} by {t.granularity}",
        )
        assert remote.ledger(*args, t.scope) == local.ledger(*args, t.scope)
    assert remote.foreign() == []

    # a second sync over S3 fetches the unsettled tail only, and the rows stay the same
    summary = sync_into(Store(s3))
    assert summary.written.added == 0 and summary.written.replaced > 0
    again = Store(s3)
    assert again.freshness()[0] == NOW
    pd.testing.assert_frame_equal(
        again.rows("firebender.model_requests", None), local.rows("firebender.model_requests", None)
    )
