"""Entry point: `streamlit run app.py`. Page config and navigation over pages/.

Where each vendor's data come from (live with a key, demo data without one; "demo" when no
vendor has a key, "mixed" when some do) is decided in one place, `config.settings.current()`,
which every page reads and shows in its header.
"""

import streamlit as st

from ui import access, loaders, memory, settings

memory.install()  # once per server: freed memory goes back to the system (ui/memory.py)
loaders.new_page_run()

st.set_page_config(
    page_title="AI adoption vs CI credits",
    # A file served with the app: a ":material/...:" page icon is fetched from fonts.gstatic.com
    # by the browser (console errors offline); the navigation's material icons are bundled.
    page_icon="assets/favicon.png",
    layout="wide",
    initial_sidebar_state="expanded",
)
# Sign-in (when required) before any page: the run stops here for someone not allowed in.
access.gate(live=not settings.current().demo)

# The first screen holds the answer, the totals and a chart at 1440x900: less empty space on top.
st.html("<style>[data-testid=stMainBlockContainer]{padding-top:2.5rem}</style>")

pages = [
    st.Page("pages/overview.py", title="Overview", icon=":material/insights:", default=True),
    st.Page("pages/builder.py", title="Builder", icon=":material/design_services:"),
    st.Page("pages/firebender.py", title="Firebender", icon=":material/code:"),
    st.Page("pages/codefresh.py", title="Codefresh", icon=":material/build_circle:"),
    st.Page("pages/teams.py", title="Teams", icon=":material/groups:"),
    st.Page("pages/alerts.py", title="Alerts & budgets", icon=":material/notifications:"),
    st.Page("pages/explore.py", title="Explore & export", icon=":material/table_view:"),
    st.Page("pages/connections.py", title="Connections", icon=":material/key:"),
]
page = st.navigation(pages, position="top")

page.run()
