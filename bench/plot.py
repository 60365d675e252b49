"""Cost against graph size: `python -m bench.plot [OUT]` draws OUT/results.json as OUT/cost.png.

Three panels on log-log axes, one point per size of the run: build time (embedded store, remote
store, and the plain pyoxigraph bulk load of the same public quads, the reference), the build's
peak memory, and each named query's median latency. A dotted line of slope 1 through the first
build point shows what linear growth would look like. `bench.run` draws it after every run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def series(results: dict) -> dict[str, list[tuple[int, float]]]:
    """(cases, value) points of every curve, from the results of `bench.run`."""
    curves: dict[str, list[tuple[int, float]]] = {}

    def add(name: str, cases: int, value) -> None:
        if isinstance(value, (int, float)) and value > 0:
            curves.setdefault(name, []).append((cases, float(value)))

    for size in results.get("sizes", []):
        cases = size["cases"]
        add("build s: embedded", cases, size.get("build", {}).get("seconds"))
        add("build s: remote store", cases, size.get("remote_build", {}).get("seconds"))
        reference = size.get("reference", {}).get("disk", {})
        add("build s: reference load (disk)", cases, reference.get("seconds"))
        add("peak RSS MB: embedded build", cases, size.get("build", {}).get("peak_rss_mb"))
        add("peak RSS MB: remote build", cases, size.get("remote_build", {}).get("peak_rss_mb"))
        for entry in size.get("queries", []):
            named = entry.get("named", {})
            add(f"query ms: {entry['query']}", cases, named.get("median_ms"))
    return curves


def draw(results: dict, target: Path) -> Path | None:
    """Draw the three panels into `target` (PNG); None when there is nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = series(results)
    if not curves:
        return None
    figure, axes = plt.subplots(1, 3, figsize=(16, 5.5))
    panels = (("build s", "build time (s)"), ("peak RSS MB", "peak memory (MB)"))
    for axis, (prefix, title) in zip(axes[:2], panels, strict=True):
        for name, points in curves.items():
            if name.startswith(prefix):
                xs, ys = zip(*points, strict=True)
                axis.plot(xs, ys, marker="o", label=name.split(": ", 1)[1])
        first = next((points for name, points in curves.items() if name.startswith(prefix)), None)
        _linear_guide(axis, first)
        axis.set_title(title)
    queries = axes[2]
    for name, points in sorted(curves.items()):
        if name.startswith("query ms"):
            xs, ys = zip(*points, strict=True)
            queries.plot(xs, ys, marker=".", linewidth=1, label=name.split(": ", 1)[1])
    queries.set_title("named query, median latency (ms)")
    for axis in axes:
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("cases")
        axis.grid(True, which="both", alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=7 if axis is queries else 8, ncol=2 if axis is queries else 1)
    machine = results.get("machine", {})
    figure.suptitle(
        f"edkg cost against graph size ({machine.get('date', '')}, {machine.get('cores', '?')} "
        f"cores, commit {machine.get('commit', '?')})"
    )
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    plt.close(figure)
    return target


def _linear_guide(axis, points) -> None:
    if not points:
        return
    (cases, value), last = points[0], points[-1][0]
    axis.plot(
        [cases, last],
        [value, value * last / cases],
        linestyle=":",
        color="grey",
        label="linear growth",
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path(__file__).parent / "out"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    drawn = draw(results, out / "cost.png")
    print(drawn or "nothing to draw")
    return 0


if __name__ == "__main__":
    sys.exit(main())
