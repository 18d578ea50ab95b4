import pytest


@pytest.fixture(autouse=True)
def _private_frames_cache(monkeypatch, tmp_path_factory):
    """Frames the app keeps on disk for a live store (sync/kept_frames.py) go to a folder of
    this test run, never the project's `.cache/frames` (tests/app's fixture gives each test
    its own)."""
    monkeypatch.setenv("FRAMES_CACHE_DIR", str(tmp_path_factory.mktemp("frames")))
