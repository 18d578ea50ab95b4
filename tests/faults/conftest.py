"""The fault suite runs on the app tests' fixtures: a hermetic environment on a frozen day, the
sandbox behind a real HTTP server (`live`), and a read-only view of a store."""

from tests.app.conftest import (  # noqa: F401 - fixtures, found here by pytest
    downloads,
    frozen_day,
    hermetic,
    live,
    read_only_view,
    server,
)
