"""Streamlit-free: the measures registry (`metrics.definitions`), cross-vendor metrics, each
screen's report (`overview_report`, `teams_report`, `alerts_report`, `datasets`), charts and
exports. Every report reads through an `analytics.reader.Reader`: the app's (`ui.loaders`) or a
store as it is (`StoreReader`: the digest, tests)."""
