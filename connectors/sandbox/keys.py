"""The sandbox's documented demo keys. They are not secrets: they only open the simulator."""

from __future__ import annotations

from .roster import DEMO_DEVELOPERS, area, slug

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


def space_count(developers: int | None = None) -> int:
    """How many Builder spaces an organisation of `developers` has: the demo's 5 for every 36
    developers, at least one; None (the demo's roster): 5."""
    if developers is None:
        return len(BUILDER_SPACES)
    return max(1, round(developers * len(BUILDER_SPACES) / DEMO_DEVELOPERS))


def builder_spaces(developers: int | None = None) -> dict[str, tuple[str, str]]:
    """The Builder spaces of a sandbox world of `developers` (None: the demo's, BUILDER_SPACES):
    public key -> (space name, space private key). The first are the demo's five, the others
    each product area's five ("Checkout web app": public "demo-space-checkout-web", private
    "demo-builder-space-checkout-web-key"). The sandbox accepts a world's space keys on that
    world's space endpoints, and the org key on every one of them."""
    count = space_count(developers)
    spaces = dict(list(BUILDER_SPACES.items())[:count])
    index = 0
    while len(spaces) < count:
        name, key = area(index), slug(area(index))
        for public, (kind, _) in BUILDER_SPACES.items():
            short = public.removeprefix("demo-space-")
            spaces[f"demo-space-{key}-{short}"] = (
                f"{name} {kind[0].lower()}{kind[1:]}",
                f"demo-builder-space-{key}-{short}-key",
            )
        index += 1
    return dict(list(spaces.items())[:count])


def describe(developers: int | None = None, spaces_shown: int = 5) -> list[tuple[str, str]]:
    """(label, key) pairs for printing, in a stable order (the first `spaces_shown` spaces of a
    world of `developers`, then how many more there are)."""
    pairs = [("Builder.io org key", BUILDER_ORG_KEY)]
    spaces = builder_spaces(developers)
    for public, (name, private) in list(spaces.items())[:spaces_shown]:
        pairs.append((f"Builder.io space {name!r} (public {public})", private))
    if len(spaces) > spaces_shown:
        pairs.append(
            (
                f"Builder.io: {len(spaces) - spaces_shown} more spaces",
                f"keys.builder_spaces({developers})",
            )
        )
    pairs += [
        ("Firebender org key", FIREBENDER_KEY),
        ("Firebender key without an org (403)", FIREBENDER_NO_ORG_KEY),
        ("Codefresh key", CODEFRESH_KEY),
        ("Codefresh key without report access (403)", CODEFRESH_LIMITED_KEY),
    ]
    return pairs
