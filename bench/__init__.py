"""The project's benchmark: `python -m bench [--quick] [--only NAME]`.

Three parts, each measured side by side in one run and printed as Markdown (also written to
bench/results.md with the machine it ran on):

    cold_load   every endpoint, 365 days, against the sandbox server (separate process, 100 ms
                latency): requests, wall time, sequential sum, bound, and the same requests
                replayed bare (cold_load.py, server_process.py, sandbox_launcher.py,
                transport_replay.py)
    frames      1,000,000 Firebender model-request records -> typed DataFrame: the orjson floor,
                the connector's per-page path, a json_normalize baseline; time and peak memory
                (model_pages.py, frame_paths.py, frame_build.py, memory_probe.py)
    overview    warm reruns of the Overview page in AppTest and the rows each chart sends to the
                browser (overview_rerun.py, overview_probe.py, stack_sampler.py)

report.py renders the Markdown; machine.py describes the machine.

It is a measurement, not a timed test: tests/bench/test_bench_smoke.py only proves it runs.
"""
