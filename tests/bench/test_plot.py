"""The cost plot of `bench.run` results: which points it draws, and that it draws them."""

from __future__ import annotations

from bench.plot import draw, series

RESULTS = {
    "machine": {"date": "2026-11-26", "cores": 2, "commit": "abc1234"},
    "sizes": [
        {
            "cases": 1000,
            "build": {"seconds": 10.0, "peak_rss_mb": 300.0},
            "remote_build": {"seconds": 20.0, "peak_rss_mb": 250.0},
            "reference": {"disk": {"seconds": 1.0}},
            "queries": [
                {"query": "totals", "named": {"median_ms": 7.0}},
                {"query": "wikidata-coordinates", "skipped": "federated"},
                {"query": "cases", "named": {"timed_out": True}},
            ],
        },
        {
            "cases": 10000,
            "build": {"error": "edkg build failed"},
            "remote_build": {"seconds": 150.0, "peak_rss_mb": 900.0},
            "queries": [{"query": "totals", "named": {"median_ms": 90.0}}],
        },
    ],
}


def test_series_takes_every_measured_point_and_nothing_else():
    curves = series(RESULTS)
    assert curves["build s: embedded"] == [(1000, 10.0)]
    assert curves["build s: remote store"] == [(1000, 20.0), (10000, 150.0)]
    assert curves["build s: reference load (disk)"] == [(1000, 1.0)]
    assert curves["peak RSS MB: remote build"] == [(1000, 250.0), (10000, 900.0)]
    assert curves["query ms: totals"] == [(1000, 7.0), (10000, 90.0)]
    assert not any("wikidata" in name or "cases" in name for name in curves)


def test_draw_writes_a_png(tmp_path):
    target = draw(RESULTS, tmp_path / "cost.png")
    assert target is not None
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert draw({"sizes": []}, tmp_path / "empty.png") is None
