"""A key typed in a browser session never combines with the deployment's keys: a typed Builder
space key alone is not read with the organisation's private key, and nothing typed reaches the
shared store."""

from __future__ import annotations

from config import settings as s
from sync import on_demand as history

ORG = {"BUILDER_PRIVATE_KEY": "org-private-key-123", "BUILDER_SPACES": "pubA:privA"}


def test_a_typed_public_space_key_alone_does_not_borrow_the_organisations_key():
    cfg = s.resolve({"BUILDER_SPACE_PUBLIC_KEY": "guessed-public"}, ORG, {}, {})
    builder = cfg["builder"]
    assert builder.key is None and not builder.spaces  # nothing from the deployment
    assert builder.demo  # a public key alone reads nothing: demo data, not the org's space


def test_a_typed_private_key_is_the_sessions_own_with_its_own_store():
    cfg = s.resolve({"BUILDER_PRIVATE_KEY": "typed-key-456"}, ORG, {}, {})
    builder = cfg["builder"]
    assert builder.key == "typed-key-456" and builder.origin == s.SESSION
    assert not builder.spaces  # the deployment's spaces are not read with it
    assert history.shelf(builder).kind == "session"  # never the shared (configured) store


def test_without_anything_typed_the_deployment_keys_are_used():
    cfg = s.resolve({}, ORG, {}, {})
    assert cfg["builder"].key == "org-private-key-123" and cfg["builder"].spaces
    # another vendor's typed key does not change Builder's
    cfg = s.resolve({"FIREBENDER_API_KEY": "fb-typed-789"}, ORG, {}, {})
    assert cfg["builder"].key == "org-private-key-123"
