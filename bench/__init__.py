"""The project's benchmark: `python -m bench [--quick] [--only NAME]`.

Parts, each measured side by side in one run and printed as Markdown (a full run writes the
first four to bench/results.md with the machine it ran on; a long part named alone with --only
writes its own file):

    cold_load   every endpoint, 365 days, against the sandbox server (separate process, 100 ms
                latency, `--cache-days` so one warm-up holds the range): requests, wall time,
                sequential sum, bound, and the same requests replayed bare (cold_load.py,
                server_process.py, transport_replay.py)
    frames      1,000,000 Firebender model-request records -> typed DataFrame: the orjson floor,
                the connector's per-page path, a json_normalize baseline; time and peak memory
                (model_pages.py, frame_paths.py, frame_build.py, memory_probe.py)
    overview    warm reruns of the Overview page in AppTest and the rows each chart sends to the
                browser (overview_rerun.py, overview_probe.py, stack_sampler.py)
    verdict     the overview's answer on sandbox scenarios whose truth is known, over many
                seeds (verdict_rates.py) -> bench/results-verdict.md
    scale       the sandbox generating and serving 365 days at 36 and 2,000 developers
                (scale_sandbox.py; not in a full run) -> bench/results-scale.md
    scale_store the history store at 36 and 2,000 developers, 365 days ending yesterday: the
                first full sync and the next day's against the sandbox server at 100 ms, the
                Overview cold and warm on the filled store, the Streamlit server's memory after
                every page and ten browser sessions at once (Chromium), Explore's export of a
                million model requests (scale_store.py, store_probe.py, store_browser.py; not in
                a full run: many minutes) -> bench/results-store.md

    first_chart a newcomer's first chart: a fresh `streamlit run` per round, a bare one-chart
                page and the app on demo data alternating, Chromium; first chart, server and
                browser CPU, warm rerun, a control change, RSS after every page (first_chart.py;
                not in a full run) -> bench/results-first-chart.md

report.py renders the Markdown; machine.py describes the machine.

It is a measurement, not a timed test: tests/bench/ only proves the parts run (tiny sizes).
"""
