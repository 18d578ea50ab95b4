"""Between the connectors and the pages: settings and mode, cached loaders, cross-vendor metrics,
charts, exports and the shared controls. Only `loaders` caches; `metrics`, `charts` and `export`
are pure (no Streamlit)."""
