"""The sandbox's documented demo keys. They are not secrets: they only open the simulator."""

from __future__ import annotations

# Builder.io: one organisation key (org endpoints, and accepted on every space endpoint).
BUILDER_ORG_KEY = "demo-builder-org-key"

# Builder.io spaces: public key -> (space name, space private key).
BUILDER_SPACES: dict[str, tuple[str, str]] = {
    "demo-space-web": ("Web app", "demo-builder-space-web-key"),
    "demo-space-mobile": ("Mobile", "demo-builder-space-mobile-key"),
    "demo-space-design": ("Design system", "demo-builder-space-design-key"),
    "demo-space-marketing": ("Marketing site", "demo-builder-space-marketing-key"),
    "demo-space-internal": ("Internal tools", "demo-builder-space-internal-key"),
}

# Firebender: the organisation key (as X-API-Key or as a Bearer token), and a key whose user
# belongs to no organisation (always 403 "User is not part of an organization").
FIREBENDER_KEY = "demo-firebender-key"
FIREBENDER_NO_ORG_KEY = "demo-firebender-no-org"

# Codefresh: a raw key (no "Bearer"), and one allowed to authenticate but not to read reports.
CODEFRESH_KEY = "demo-codefresh-key"
CODEFRESH_LIMITED_KEY = "demo-codefresh-limited"


def describe() -> list[tuple[str, str]]:
    """(label, key) pairs for printing, in a stable order."""
    pairs = [("Builder.io org key", BUILDER_ORG_KEY)]
    for public, (name, private) in BUILDER_SPACES.items():
        pairs.append((f"Builder.io space {name!r} (public {public})", private))
    pairs += [
        ("Firebender org key", FIREBENDER_KEY),
        ("Firebender key without an org (403)", FIREBENDER_NO_ORG_KEY),
        ("Codefresh key", CODEFRESH_KEY),
        ("Codefresh key without report access (403)", CODEFRESH_LIMITED_KEY),
    ]
    return pairs
