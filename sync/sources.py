"""Where the command line's keys come from (the app's setting names: environment, then `.env`),
and the clients built from them; `--demo` uses the sandbox's demo organisation in process.

Builder.io spaces: `BUILDER_SPACES` lists "public:private" pairs separated by commas (a space
whose private key is left out is read with the organization key); `BUILDER_SPACE_PUBLIC_KEY`
and `BUILDER_SPACE_PRIVATE_KEY` add one more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from config.settings import resolve
from connectors import BuilderClient, CodefreshClient, FirebenderClient
from safe import text as safe_text

PROJECT_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Credentials:
    """One vendor's key, base URL and (Builder.io) spaces. The repr never shows a key."""

    vendor: str
    key: str | None
    base_url: str | None = None
    spaces: tuple[tuple[str, str | None], ...] = ()  # (public key, private key or None)
    session_factory: object = None  # demo: the sandbox's in-process session

    def __repr__(self) -> str:
        return (
            f"Credentials({self.vendor!r}, key={'set' if self.key else 'none'}, "
            f"base_url={safe_text.url(self.base_url) if self.base_url else None!r}, spaces={[p for p, _ in self.spaces]!r})"
        )

    @property
    def space_keys(self) -> list[str]:
        return [public for public, _ in self.spaces]


def read_settings(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Settings from the environment, then `.env` (APP_DOTENV names another; empty: none)."""
    environ = os.environ if environ is None else environ
    dotenv = environ.get("APP_DOTENV")
    path = Path(dotenv) if dotenv else (PROJECT_DIR / ".env" if dotenv is None else None)
    values = {
        k: v for k, v in (dotenv_values(path) if path and path.is_file() else {}).items() if v
    }
    values.update({k: v for k, v in environ.items() if v})
    return values


def live_credentials(values: Mapping[str, str]) -> dict[str, Credentials]:
    """The vendors that have a key, with their base URLs and spaces: the app's own resolution
    (`config.settings.resolve`), so a setting means the same to the app and to sync."""
    sources = resolve({}, values, {}, {}).sources
    return {
        vendor: Credentials(
            vendor,
            source.key,
            source.base_url,
            tuple((public, source.space_private(public)) for public in source.space_keys),
        )
        for vendor, source in sources.items()
        if source.live
    }


def demo_credentials(sandbox) -> dict[str, Credentials]:
    """The sandbox's demo organisation, served in process by `sandbox`."""
    from connectors.http import new_session
    from connectors.sandbox import DEFAULT_HOSTS, SandboxTransport, keys

    def session_for(vendor):
        return lambda: new_session(vendor, transport=SandboxTransport(sandbox))

    spaces = tuple((public, private) for public, (_, private) in keys.BUILDER_SPACES.items())
    return {
        "builder": Credentials(
            "builder",
            keys.BUILDER_ORG_KEY,
            DEFAULT_HOSTS["builder"],
            spaces,
            session_for("builder"),
        ),
        "firebender": Credentials(
            "firebender",
            keys.FIREBENDER_KEY,
            DEFAULT_HOSTS["firebender"],
            (),
            session_for("firebender"),
        ),
        "codefresh": Credentials(
            "codefresh",
            keys.CODEFRESH_KEY,
            DEFAULT_HOSTS["codefresh"],
            (),
            session_for("codefresh"),
        ),
    }


def client_factory(credentials: Mapping[str, Credentials]):
    """make_client(vendor, space, progress) for `sync.run`."""

    def make(vendor: str, space: str | None, progress=None):
        creds = credentials[vendor]
        session = creds.session_factory() if creds.session_factory else None
        common = dict(base_url=creds.base_url, session=session, progress=progress)
        if vendor == "builder":
            private = dict(creds.spaces).get(space) if space else None
            return BuilderClient(
                creds.key, space_public_key=space, space_private_key=private, **common
            )
        cls = FirebenderClient if vendor == "firebender" else CodefreshClient
        return cls(creds.key, **common)

    return make
