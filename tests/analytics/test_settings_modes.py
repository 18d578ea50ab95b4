"""Demo, live and mixed mode: a vendor with a key is live, a vendor without one stays on demo data."""

from __future__ import annotations

import pytest

from config import settings as s

KEY = "sk-very-secret-1234"
ALL_KEYS = {"BUILDER_PRIVATE_KEY": "b", "FIREBENDER_API_KEY": "f", "CODEFRESH_API_KEY": "c"}


def test_no_key_at_all_is_demo_mode():
    cfg = s.resolve({}, {}, {}, {})
    assert cfg.mode == "demo" and cfg.demo
    assert [x.vendor for x in cfg.demo_sources] == list(s.VENDORS) and not cfg.live_sources


def test_every_vendor_with_a_key_is_live_mode():
    cfg = s.resolve({}, ALL_KEYS, {}, {})
    assert cfg.mode == "live" and not cfg.demo
    assert all(x.live and not x.demo for x in cfg.sources.values())
    assert all(x.fingerprint != "demo" for x in cfg.sources.values())


@pytest.mark.parametrize("keyed", ["builder", "firebender", "codefresh"])
def test_one_key_is_mixed_mode_and_the_others_stay_on_demo_data(keyed):
    cfg = s.resolve({}, {s.KEY_SETTINGS[keyed]: KEY}, {}, {})
    assert cfg.mode == "mixed" and not cfg.demo
    assert [x.vendor for x in cfg.live_sources] == [keyed]
    for vendor, source in cfg.sources.items():
        if vendor == keyed:
            assert source.live and not source.demo and source.origin == s.ENVIRONMENT
            assert source.fingerprint == s.fingerprint(vendor, KEY, None)
        else:
            # no key: the sandbox's demo data, cached under the demo fingerprint
            assert source.demo and not source.live
            assert source.key is None and source.origin is None
            assert source.fingerprint == "demo"


def test_two_keys_are_still_mixed_mode():
    cfg = s.resolve({"FIREBENDER_API_KEY": KEY}, {}, {}, {"CODEFRESH_API_KEY": KEY})
    assert cfg.mode == "mixed"
    assert [x.vendor for x in cfg.demo_sources] == ["builder"]
    assert cfg["firebender"].origin == s.SESSION and cfg["codefresh"].origin == s.SECRETS


def test_a_builder_space_key_alone_makes_builder_live():
    cfg = s.resolve({}, {"BUILDER_SPACE_PRIVATE_KEY": KEY, "BUILDER_SPACE_PUBLIC_KEY": "p"}, {}, {})
    assert cfg.mode == "mixed" and cfg["builder"].live and cfg["builder"].space_public_key == "p"


def test_a_space_public_key_or_a_base_url_alone_is_no_key():
    cfg = s.resolve(
        {}, {"BUILDER_SPACE_PUBLIC_KEY": "p", "CODEFRESH_BASE_URL": "http://127.0.0.1:9"}, {}, {}
    )
    assert cfg.mode == "demo"
    # the base URL is kept to be shown; the demo source's cache identity stays "demo"
    assert cfg["codefresh"].base_url == "http://127.0.0.1:9"
    assert cfg["codefresh"].fingerprint == "demo"


def test_a_demo_vendor_in_mixed_mode_keeps_no_secret():
    cfg = s.resolve({}, {"FIREBENDER_API_KEY": KEY, "BUILDER_SPACE_PUBLIC_KEY": "p"}, {}, {})
    builder = cfg["builder"]
    assert builder.demo and builder.space_private_key is None and builder.space_public_key is None
    assert KEY not in repr(cfg)
