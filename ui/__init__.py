"""Everything that imports Streamlit: widgets, session state, caching, the header, downloads,
progress. `app.py` and `pages/` use it; nothing below imports it."""
