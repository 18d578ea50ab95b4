"""Who is in a sandbox organisation: people, their join days, product areas, CI pipelines.

The demo's roster is fixed (DEMO_NAMES, DEMO_JOIN_OFFSETS, DEMO_PIPELINE_NAMES). An organisation
of N developers keeps the demo's proportions: the same share of people joining over time (on
days spread like the demo's), 30 pipelines and 5 Builder spaces (keys.py) for every 36
developers. Its first people, pipelines and spaces are the demo's, and the rest are drawn from
name pools in a fixed order, so every name is unique and a roster is a pure function of N.

`make_developers` and `make_pipelines` draw each person's and pipeline's attributes from
`random.Random` seeded with strings, exactly as the demo always has.
"""

from __future__ import annotations

import hashlib
import random
from datetime import timedelta

from .records import DATA_START, Developer, Pipeline, adoption_day

DEMO_NAMES = (
    "Amara Okafor",
    "Ben Carter",
    "Chen Wei",
    "Daniela Souza",
    "Elif Yilmaz",
    "Farid Haddad",
    "Grace Kim",
    "Hugo Lefevre",
    "Ines Moreau",
    "Jonas Berg",
    "Kavya Iyer",
    "Liam O'Brien",
    "Maya Cohen",
    "Nikolai Petrov",
    "Olivia Brown",
    "Pablo Ruiz",
    "Quinn Taylor",
    "Rina Sato",
    "Samuel Mensah",
    "Tara Nguyen",
    "Umar Siddiqui",
    "Valentina Rossi",
    "Wen Zhao",
    "Ximena Lopez",
    "Yusuf Demir",
    "Zoe Fischer",
    "Aditya Rao",
    "Bianca Ionescu",
    "Caleb Johnson",
    "Dina Haddad",
    "Emil Novak",
    "Fatima Zahra",
    "Gabriel Silva",
    "Hana Kowalski",
    "Isaac Levi",
    "Julia Schmidt",
)
DEMO_DEVELOPERS = len(DEMO_NAMES)  # 36
# Days after DATA_START on which the demo's last ten people join (the others were there already).
DEMO_JOIN_OFFSETS = (40, 95, 150, 210, 260, 330, 400, 470, 540, 610)

DEMO_PIPELINE_NAMES = (
    "web-app/build",
    "web-app/test",
    "web-app/lint",
    "web-app/e2e",
    "web-app/deploy-staging",
    "web-app/deploy-prod",
    "mobile-android/build",
    "mobile-android/unit-tests",
    "mobile-android/lint",
    "mobile-android/release",
    "mobile-ios/build",
    "mobile-ios/ui-tests",
    "mobile-ios/release",
    "design-system/build",
    "design-system/visual-regression",
    "design-system/publish",
    "marketing-site/build",
    "marketing-site/deploy",
    "api/build",
    "api/test",
    "api/lint",
    "api/integration",
    "api/deploy",
    "data/etl-nightly",
    "data/tests",
    "infra/terraform-plan",
    "infra/terraform-apply",
    "internal-tools/build",
    "internal-tools/deploy",
    "docs/build",
)

# Name pools for larger organisations: the demo's first and last names, then more.
FIRST_NAMES = tuple(dict.fromkeys(name.split(" ", 1)[0] for name in DEMO_NAMES)) + (
    "Adaeze",
    "Akira",
    "Alejandro",
    "Anika",
    "Arjun",
    "Astrid",
    "Beatriz",
    "Bogdan",
    "Camila",
    "Chiara",
    "Dario",
    "Deepa",
    "Diego",
    "Ebru",
    "Elena",
    "Emeka",
    "Eszter",
    "Felix",
    "Freya",
    "Goran",
    "Hamid",
    "Helena",
    "Ibrahim",
    "Ingrid",
    "Jamal",
    "Jiho",
    "Joao",
    "Karim",
    "Katarzyna",
    "Kenji",
    "Laila",
    "Lars",
    "Leila",
    "Lucas",
    "Malik",
    "Mariana",
    "Mateo",
    "Mei",
    "Mikhail",
    "Nadia",
    "Naveen",
    "Noor",
    "Oskar",
    "Priya",
    "Rafael",
    "Ravi",
    "Rosa",
    "Saanvi",
    "Sofia",
    "Sven",
    "Tomasz",
    "Uma",
    "Victor",
    "Yara",
    "Yuki",
    "Zainab",
)
LAST_NAMES = tuple(dict.fromkeys(name.split(" ", 1)[1] for name in DEMO_NAMES)) + (
    "Abara",
    "Andersen",
    "Bakker",
    "Banerjee",
    "Costa",
    "Dubois",
    "Eriksson",
    "Ferreira",
    "Garcia",
    "Gomez",
    "Hansen",
    "Hashimoto",
    "Horvat",
    "Jensen",
    "Kang",
    "Khan",
    "Kovacs",
    "Larsen",
    "Martin",
    "Mehta",
    "Mendes",
    "Murphy",
    "Nakamura",
    "Nowak",
    "Oliveira",
    "Osei",
    "Park",
    "Patel",
    "Popescu",
    "Quispe",
    "Reyes",
    "Romero",
    "Santos",
    "Sharma",
    "Singh",
    "Sorensen",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Varga",
    "Vasquez",
    "Wagner",
    "Walker",
    "Weber",
    "Yamamoto",
    "Yildiz",
)

# Product areas of a larger organisation: each area has its own repositories (the demo's
# pipeline mix, PIPELINE_TEMPLATES) and Builder spaces (keys.builder_spaces).
PRODUCT_AREAS = (
    "Checkout",
    "Payments",
    "Search",
    "Onboarding",
    "Billing",
    "Accounts",
    "Catalog",
    "Inventory",
    "Analytics",
    "Notifications",
    "Messaging",
    "Support",
    "Help center",
    "Careers",
    "Blog",
    "Partners",
    "Pricing",
    "Reviews",
    "Loyalty",
    "Gift cards",
    "Shipping",
    "Returns",
    "Orders",
    "Admin",
    "Reports",
    "Settings",
    "Profiles",
    "Community",
    "Events",
    "Learning",
    "Rewards",
    "Campaigns",
    "Newsletters",
    "Promotions",
    "Store locator",
    "Subscriptions",
    "Wishlist",
    "Cart",
    "Recommendations",
    "Identity",
    "Fraud",
    "Ledger",
    "Invoicing",
    "Tax",
    "Marketplace",
    "Sellers",
    "Delivery",
    "Maps",
    "Booking",
    "Calendar",
    "Chat",
    "Feeds",
    "Media",
    "Uploads",
    "Translations",
    "Experiments",
    "Feature flags",
    "Audit",
    "Compliance",
    "Security",
)

# One area's repositories and pipeline steps: the demo's mix of 30 pipelines, renamed.
PIPELINE_TEMPLATES = (
    ("web", ("build", "test", "lint", "e2e", "deploy-staging", "deploy-prod")),
    ("android", ("build", "unit-tests", "lint", "release")),
    ("ios", ("build", "ui-tests", "release")),
    ("ui", ("build", "visual-regression", "publish")),
    ("site", ("build", "deploy")),
    ("api", ("build", "test", "lint", "integration", "deploy")),
    ("data", ("etl-nightly", "tests")),
    ("infra", ("terraform-plan", "terraform-apply")),
    ("tools", ("build", "deploy")),
    ("docs", ("build",)),
)


def slug(text: str) -> str:
    """ "Help center" -> "help-center"."""
    return "-".join(text.lower().replace("'", "").split())


def area(index: int) -> str:
    """The `index`-th product area; past the list, the areas again with a number ("Checkout 2")."""
    cycle, position = divmod(index, len(PRODUCT_AREAS))
    return PRODUCT_AREAS[position] + (f" {cycle + 1}" if cycle else "")


def _scaled(demo_count: int, developers: int) -> int:
    return max(1, round(developers * demo_count / DEMO_DEVELOPERS))


def pipeline_count(developers: int) -> int:
    """Pipelines of an organisation of `developers`: the demo's 30 per 36, at least one."""
    return _scaled(len(DEMO_PIPELINE_NAMES), developers)


def pipeline_names(count: int) -> tuple[str, ...]:
    """`count` unique pipeline names: the demo's 30, then each product area's repositories."""
    names = list(DEMO_PIPELINE_NAMES[:count])
    index = 0
    while len(names) < count:
        prefix = slug(area(index))
        for repo, steps in PIPELINE_TEMPLATES:
            names += [f"{prefix}-{repo}/{step}" for step in steps]
        index += 1
    return tuple(names[:count])


def email_of(name: str, repeat: int = 0) -> str:
    """ "Liam O'Brien" -> "liam.obrien@example.com"; a repeated name gets a number."""
    first, last = name.lower().replace("'", "").split(" ", 1)
    return f"{first}.{last.replace(' ', '')}{repeat + 1 if repeat else ''}@example.com"


def names(count: int) -> tuple[str, ...]:
    """`count` names: the demo's 36, then first-name x last-name pairs in a fixed order that
    visits every pair once (the k-th pair after the demo's: first k mod F, last (k + k // F)
    mod L). Past F x L pairs the names repeat (their emails then carry a number)."""
    found = list(DEMO_NAMES[:count])
    taken = set(found)
    first, last = len(FIRST_NAMES), len(LAST_NAMES)
    k = 0
    while len(found) < count:
        pair = k % (first * last)
        name = f"{FIRST_NAMES[pair % first]} {LAST_NAMES[(pair % first + pair // first) % last]}"
        k += 1
        if k <= first * last and name in taken:
            continue
        found.append(name)
    return tuple(found)


def emails(people: tuple[str, ...]) -> tuple[str, ...]:
    """Each name's email, unique: a name seen before gets a number (ada.li2@example.com)."""
    seen: dict[str, int] = {}
    found = []
    for name in people:
        repeat = seen.get(name, 0)
        seen[name] = repeat + 1
        found.append(email_of(name, repeat))
    return tuple(found)


def join_offsets(developers: int) -> tuple[int, ...]:
    """Days after DATA_START on which the last people of an organisation of `developers` join:
    the demo's share (10 in 36), on days spread along the demo's ten (piecewise linear)."""
    joiners = round(developers * len(DEMO_JOIN_OFFSETS) / DEMO_DEVELOPERS)
    anchors = DEMO_JOIN_OFFSETS
    offsets = []
    for k in range(joiners):
        position = k * (len(anchors) - 1) / max(1, joiners - 1)
        low = int(position)
        high = min(low + 1, len(anchors) - 1)
        offsets.append(round(anchors[low] + (anchors[high] - anchors[low]) * (position - low)))
    return tuple(offsets)


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def make_developers(
    prefix: str,
    people: tuple[str, ...],
    join_offsets: tuple[int, ...],
    space_keys: tuple[str, ...],
) -> tuple[Developer, ...]:
    """The roster: `people` in order, the last len(join_offsets) joining on those days."""
    # Adoption thresholds spread evenly over [0, 1) (then shuffled), so the share of adopters
    # follows the curve closely even with a few dozen people.
    thresholds = [(k + 0.5) / len(people) for k in range(len(people))]
    random.Random(f"{prefix}adoption-thresholds").shuffle(thresholds)
    found = []
    settled = len(people) - len(join_offsets)
    for index, (name, email) in enumerate(zip(people, emails(people))):
        rng = random.Random(f"{prefix}developer:{email}")
        joined = (
            DATA_START
            if index < settled
            else DATA_START + timedelta(days=join_offsets[index - settled])
        )
        adopts_on = adoption_day(thresholds[index])
        if adopts_on is not None:
            adopts_on = max(adopts_on, joined)
        uses_firebender = rng.random() < 0.7
        uses_builder = rng.random() < 0.6 or not uses_firebender
        home = rng.randrange(len(space_keys))
        spaces = (space_keys[home],)
        if rng.random() < 0.4 and len(space_keys) > 1:
            spaces += (
                space_keys[(home + 1 + rng.randrange(len(space_keys) - 1)) % len(space_keys)],
            )
        found.append(
            Developer(
                email=email,
                name=name,
                user_id=f"user_{_digest(email, 12)}",
                joined=joined,
                adopts_on=adopts_on,
                power=round(rng.uniform(0.5, 1.6), 3),
                start_hour=rng.randint(6, 13),
                uses_firebender=uses_firebender,
                uses_builder=uses_builder,
                spaces=spaces,
                commit_rate=0.08 if rng.random() < 0.12 else round(rng.uniform(0.45, 0.8), 3),
                byok=rng.random() < 0.1,
            )
        )
    return tuple(found)


def make_pipelines(prefix: str, pipeline_names: tuple[str, ...]) -> tuple[Pipeline, ...]:
    """Each pipeline's machine, usual builds a day, build length and nightly schedule."""
    pipelines = []
    for name in pipeline_names:
        rng = random.Random(f"{prefix}pipeline:{name}")
        step = name.split("/")[1]
        heavy = any(
            word in step for word in ("e2e", "ui-tests", "integration", "visual", "release")
        )
        light = any(word in step for word in ("lint", "plan", "deploy", "docs"))
        resource_class = "linux-large" if heavy else "linux-small" if light else "linux-medium"
        pipelines.append(
            Pipeline(
                name=name,
                resource_class=resource_class,
                builds_per_day=round(
                    rng.uniform(0.4, 2.5)
                    if ("deploy" in step or "release" in step)
                    else rng.uniform(1.5, 6.0),
                    2,
                ),
                minutes=round(rng.uniform(2, 6) if light else rng.uniform(6, 25), 1),
                nightly="nightly" in step or rng.random() < 0.2,
            )
        )
    return tuple(pipelines)
