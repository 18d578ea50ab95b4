"""`python tests/browser/frozen_server.py ISO-INSTANT streamlit-args...`: Streamlit's command line
with the process's clock set to ISO-INSTANT and ticking from there, so the browser tests see the
same day as the app tests (tests/app/conftest.py's FROZEN_NOW) whatever today is."""

from __future__ import annotations

import datetime as dt
import sys

import time_machine

if __name__ == "__main__":
    instant = dt.datetime.fromisoformat(sys.argv[1])
    time_machine.travel(instant, tick=True).start()
    from streamlit.web.cli import main

    sys.argv = ["streamlit", *sys.argv[2:]]
    sys.exit(main())
