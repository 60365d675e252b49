"""The edkg benchmark: `python -m bench.run [--sizes 1000,10000,100000] [--out bench/out]`.

For each size: synthetic records (bench.generate, cached in OUT/data-N), then in the same run

* `edkg build` of them in a subprocess: wall time, triples a second (public + restricted triples
  of the release), peak resident memory of the process;
* the reference: the public N-Quads of that release (`edkg export --format nquads`) bulk-loaded
  into a plain pyoxigraph store, in memory and on disk, in a subprocess each;
* every named query on the built public dataset through `edkg.queries.run` (median of 5 runs after
  a warm-up), and for queries without parameters the same text run directly with `Store.query`.

Once per run: `edkg build` of the bundled sample. Writes OUT/results.json and OUT/results.md and
prints the Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

import edkg
import pyoxigraph as ox
from edkg import queries
from edkg.store import StoreDir

from bench import generate

DEFAULT_SIZES = (1000, 10000)
REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPOSITORY / "bench" / "out"
BASE_IRI = "https://w3id.org/edkg/"
QUERY_RUNS = 5
# A query whose first run takes longer than this is not run again: that run is its latency.
SLOW_QUERY_S = 2.0
# A query still running after this long is stopped (and not run on more cases); --query-timeout.
QUERY_TIMEOUT_S = 15.0
SAMPLE_RUNS = 3

REFERENCE_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import pyoxigraph as ox
    path, target = sys.argv[1], sys.argv[2]
    store = ox.Store() if target == "memory" else ox.Store(target)
    started = time.perf_counter()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    if target != "memory":
        store.flush()
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "quads": len(store)}))
    """
)


# -- subprocesses ---------------------------------------------------------------------------------


def edkg_command() -> list[str]:
    """How to run the edkg command line in a subprocess with this interpreter's environment.

    `python -m edkg.cli` when the module runs as a script; otherwise the `edkg` entry point beside
    this interpreter (the virtual environment's bin directory), then the one on PATH.
    """
    probe = subprocess.run(
        [sys.executable, "-m", "edkg.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if probe.returncode == 0 and "edkg" in probe.stdout:
        return [sys.executable, "-m", "edkg.cli"]
    beside = Path(sys.executable).parent / "edkg"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("edkg")
    if found:
        return [found]
    raise SystemExit("cannot find the edkg command line: install the package (make install)")


def measure(command: list[str], workdir: Path, env: dict[str, str] | None = None) -> dict:
    """Run a command; its wall time, peak RSS (from wait4, this child alone), status and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=workdir, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "returncode": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
    }


def _failure(step: str, run: dict) -> dict:
    tail = "\n".join((run["stderr"] or run["stdout"]).strip().splitlines()[-15:])
    print(f"  {step} failed (exit {run['returncode']}):\n{textwrap.indent(tail, '    ')}")
    return {"error": f"{step} failed with exit status {run['returncode']}", "output": tail}


# -- steps ----------------------------------------------------------------------------------------


def prepare_data(cases: int, out: Path, seed: int) -> tuple[Path, dict]:
    """Generated records for `cases`, reused when OUT/data-N was made the same way."""
    directory = out / f"data-{cases}"
    wanted = generate.describe(cases, seed)
    marker = directory / generate.MARKER
    if marker.is_file():
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == wanted:
                return directory, {"cached": True}
        except ValueError:
            pass
    started = time.perf_counter()
    generate.generate(cases, directory, seed)
    return directory, {"cached": False, "seconds": round(time.perf_counter() - started, 2)}


def build_step(edkg_cmd: list[str], data: Path | None, store: Path, workdir: Path) -> dict:
    """`edkg build` into a fresh store; time, memory and the release's triple counts."""
    command = [*edkg_cmd, "build", *([str(data)] if data else []), "--store", str(store)]
    run = measure(command, workdir)
    if run["returncode"] != 0:
        return {**_failure("edkg build", run), "seconds": run["seconds"]}
    meta = StoreDir(store).current().meta
    triples = meta["triples"]
    total = triples["public"] + triples["restricted"]
    return {
        "seconds": run["seconds"],
        "cpu_seconds": run["cpu_seconds"],
        "peak_rss_mb": run["peak_rss_mb"],
        "triples": triples,
        "triples_total": total,
        "triples_per_second": round(total / run["seconds"]),
        "records": meta.get("records", {}),
    }


def _peak_rss_mb(pid: int) -> float | None:
    """A running process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def remote_build_step(edkg_cmd: list[str], data: Path, scratch: Path, workdir: Path) -> dict:
    """`edkg build` into a remote store: two fresh `oxigraph serve` (public, restricted) on
    127.0.0.1, written by SPARQL 1.1 Update (staging graphs, then the swap)."""
    from bench.http import HOST, Server, free_port, oxigraph_binary

    servers = {}
    env = dict(os.environ)
    try:
        for dataset in ("public", "restricted"):
            port = free_port()
            server = Server(
                f"oxigraph serve ({dataset})",
                [
                    *[oxigraph_binary(), "serve", "--location", str(scratch / f"remote-{dataset}")],
                    *["--bind", f"{HOST}:{port}"],
                ],
                port,
                scratch / f"remote-{dataset}.log",
            )
            server.start(workdir)
            server.wait_ready("/query?query=ASK%7B%7D", "application/sparql-results+json")
            servers[dataset] = server
            prefix = "EDKG_REMOTE_" if dataset == "public" else "EDKG_REMOTE_RESTRICTED_"
            env[prefix + "QUERY_URL"] = f"http://{HOST}:{port}/query"
            env[prefix + "UPDATE_URL"] = f"http://{HOST}:{port}/update"
        store = scratch / "remote-store"
        run = measure([*edkg_cmd, "build", str(data), "--store", str(store)], workdir, env)
        if run["returncode"] != 0:
            return {**_failure("edkg build (remote)", run), "seconds": run["seconds"]}
        triples = StoreDir(store).current().meta["triples"]
        total = triples["public"] + triples["restricted"]
        return {
            "seconds": run["seconds"],
            "cpu_seconds": run["cpu_seconds"],
            "peak_rss_mb": run["peak_rss_mb"],
            "server_peak_rss_mb": {
                name: _peak_rss_mb(server.process.pid) for name, server in servers.items()
            },
            "triples_total": total,
            "triples_per_second": round(total / run["seconds"]),
        }
    finally:
        for server in servers.values():
            server.stop()


def reference_step(nquads: Path, target: str, workdir: Path) -> dict:
    """Bulk-load the public N-Quads into a plain pyoxigraph store ("memory" or a directory)."""
    run = measure([sys.executable, "-c", REFERENCE_SCRIPT, str(nquads), target], workdir)
    if run["returncode"] != 0:
        return _failure(f"reference load ({target})", run)
    loaded = json.loads(run["stdout"].strip().splitlines()[-1])
    return {
        "seconds": round(loaded["seconds"], 3),
        "process_seconds": run["seconds"],
        "peak_rss_mb": run["peak_rss_mb"],
        "quads": loaded["quads"],
        "triples_per_second": round(loaded["quads"] / loaded["seconds"]),
    }


def _consume(result) -> int:
    """Evaluate a query result fully (pyoxigraph results are lazy); the number of rows."""
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)


def _timed(run) -> tuple[float, int]:
    started = time.perf_counter()
    rows = _consume(run())
    return time.perf_counter() - started, rows


def query_worker(argv: list[str]) -> None:
    """In a child process: time one query, printing each measurement as a JSON line at once.

    argv: store directory, query name, "named" (through edkg.queries.run with the values) or
    "direct" (the text through Store.query), the values as JSON, the number of timed runs.
    """
    store_root, name, mode, values, runs = argv
    store = StoreDir(store_root).current().open("public")
    query = queries.get(name)
    if mode == "named":
        bound = json.loads(values)

        def run():
            return queries.run(store, query, bound)
    else:

        def run():
            return store.query(query.text, use_default_graph_as_union=True)

    try:
        warm_up, rows = _timed(run)
    except Exception as exc:  # reported as the result of this query
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        return
    print(json.dumps({"warm_up": warm_up, "rows": rows}), flush=True)
    for _ in range(int(runs) if warm_up < SLOW_QUERY_S else 0):
        print(json.dumps({"run": _timed(run)[0]}), flush=True)


WORKER = "import sys; from bench.run import query_worker; query_worker(sys.argv[1:])"


def latency(store_root: Path, name: str, mode: str, values: dict, timeout: float) -> dict:
    """Median latency of one query in a child process that is killed after `timeout` seconds.

    pyoxigraph has no query timeout, and a query that never ends must not stop the benchmark.
    """
    command = [
        *[sys.executable, "-c", WORKER, str(store_root), name, mode],
        *[json.dumps(values), str(QUERY_RUNS)],
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPOSITORY
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        timed_out = True
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    head = lines[0] if lines else {}
    if "error" in head:
        return {"error": head["error"]}
    if not head:
        if timed_out:
            return {"timed_out": True, "timeout_s": timeout}
        return {"error": (stderr.strip().splitlines() or ["no output"])[-1]}
    times = [line["run"] for line in lines[1:]] or [head["warm_up"]]
    result = {
        "median_ms": round(statistics.median(times) * 1000, 2) if times else None,
        "min_ms": round(min(times) * 1000, 2) if times else None,
        "warm_up_ms": round(head["warm_up"] * 1000, 2),
        "runs": len(lines) - 1,
        "rows": head["rows"],
    }
    if timed_out:
        result["timed_out"] = True
        result["timeout_s"] = timeout
    return result


def query_values(query: queries.NamedQuery, first_case: str) -> dict[str, str]:
    """The query's defaults for its own parameters; a default case IRI becomes a generated case.

    The defaults name cases of the bundled sample (C001), which the synthetic data does not have:
    the per-case queries would measure an empty answer.
    """
    values = {k: v for k, v in query.defaults().items() if k in query.parameters}
    for name, value in values.items():
        if value.startswith(BASE_IRI + "id/case/"):
            values[name] = BASE_IRI + "id/case/" + first_case
    return values


def query_step(store_root: Path, first_case: str, timeout: float, skip: dict[str, int]) -> list:
    """Latency of every named query, and of its plain text where it has no parameters.

    `skip` names the queries that timed out on fewer cases (with that number): they are not run.
    """
    measured = []
    for name, query in queries.catalogue().items():
        values = query_values(query, first_case)
        entry: dict = {"query": name, "parameters": values}
        if getattr(query, "federated", False):
            entry["skipped"] = "federated"  # edkg refuses SERVICE: it runs only elsewhere
            measured.append(entry)
            continue
        if name in skip:
            entry["skipped"] = f"timed out at {skip[name]:,} cases"
            measured.append(entry)
            continue
        named = latency(store_root, name, "named", values, timeout)
        entry["named"] = named
        # Without parameters the named query runs the very same text: compare where it is cheap.
        fast = "error" not in named and not named.get("timed_out") and named["runs"] > 0
        if not query.parameters and fast:
            entry["direct"] = latency(store_root, name, "direct", {}, timeout)
        measured.append(entry)
    return measured


def sample_step(edkg_cmd: list[str], workdir: Path) -> dict:
    """`edkg build` of the bundled sample, SAMPLE_RUNS times into fresh stores; the median."""
    runs = []
    for _ in range(SAMPLE_RUNS):
        with tempfile.TemporaryDirectory(prefix="edkg-bench-sample-") as store:
            result = build_step(edkg_cmd, None, Path(store), workdir)
        if "error" in result:
            return result
        runs.append(result)
    seconds = [r["seconds"] for r in runs]
    return {**runs[-1], "seconds": statistics.median(seconds), "runs_seconds": seconds}


@dataclass
class Options:
    """What every size is measured with."""

    out: Path
    seed: int
    edkg: list[str]
    workdir: Path
    query_timeout: float
    queries: bool = True
    rebuild: bool = False
    remote: bool = True
    timed_out: dict[str, int] = field(default_factory=dict)  # query -> cases it timed out at


RECORD_TRIPLES = """
SELECT (COUNT(*) AS ?n) {
  GRAPH ?g { ?s ?p ?o }
  FILTER (STRSTARTS(STR(?g), "BASEgraph/case/") || STRSTARTS(STR(?g), "BASEgraph/sources"))
}
"""


def record_triples(store_root: Path) -> int:
    """Triples of the case and source graphs in the restricted dataset (which holds everything)."""
    store = StoreDir(store_root).current().open("restricted")
    solutions = store.query(RECORD_TRIPLES.replace("BASE", BASE_IRI))
    return int(next(iter(solutions))["n"].value)


def size_step(cases: int, options: Options) -> dict:
    """Generate (or reuse) N cases; measure build, export, reference loads and queries."""
    print(f"== {cases} cases")
    data, generated = prepare_data(cases, options.out, options.seed)
    made = "cached" if generated["cached"] else f"generated in {generated['seconds']} s"
    print(f"  data: {data} ({made})")
    result: dict = {"cases": cases, "data": str(data), "generate": generated}
    workdir = options.workdir
    with tempfile.TemporaryDirectory(prefix=f"edkg-bench-{cases}-") as scratch:
        scratch_dir = Path(scratch)
        store = scratch_dir / "store"
        build = build_step(options.edkg, data, store, workdir)
        result["build"] = build
        if "error" in build:
            return result
        result["record_triples"] = record_triples(store)
        result["triples_per_case"] = round(result["record_triples"] / cases, 1)
        print(
            f"  build: {build['seconds']} s, {build['triples_per_second']:,} triples/s, "
            f"{build['peak_rss_mb']} MB; {result['triples_per_case']} triples a case"
        )
        if options.rebuild:
            # The same records again into the same store: what caches across builds save.
            again = build_step(options.edkg, data, store, workdir)
            result["rebuild"] = again
            print(f"  rebuild: {again.get('seconds')} s")
        if options.remote:
            remote = remote_build_step(options.edkg, data, scratch_dir, workdir)
            result["remote_build"] = remote
            if "error" not in remote:
                print(
                    f"  build into a remote store: {remote['seconds']} s, "
                    f"{remote['triples_per_second']:,} triples/s, {remote['peak_rss_mb']} MB"
                )
        nquads = scratch_dir / "public.nq"
        command = [*options.edkg, "export", "--format", "nquads"]
        export = measure([*command, "--output", str(nquads), "--store", str(store)], workdir)
        if export["returncode"] != 0:
            result["export"] = _failure("edkg export", export)
        else:
            result["export"] = {
                "seconds": export["seconds"],
                "bytes": nquads.stat().st_size,
                "peak_rss_mb": export["peak_rss_mb"],
            }
            result["reference"] = {
                "memory": reference_step(nquads, "memory", workdir),
                "disk": reference_step(nquads, str(scratch_dir / "reference"), workdir),
            }
            for target, ref in result["reference"].items():
                if "error" not in ref:
                    ref["build_ratio"] = round(build["seconds"] / ref["seconds"], 1)
                    print(f"  reference ({target}): {ref['seconds']} s, ratio {ref['build_ratio']}")
        if not options.queries:
            return result
        result["queries"] = query_step(store, "B000001", options.query_timeout, options.timed_out)
        for entry in result["queries"]:
            named = entry.get("named", {})
            if named.get("timed_out"):
                options.timed_out.setdefault(entry["query"], cases)
            shown = (
                entry.get("skipped")
                or named.get("error")
                or (f"> {named['timeout_s']:.0f} s" if named.get("timed_out") else None)
                or f"{named['median_ms']} ms"
            )
            print(f"  query {entry['query']}: {shown}")
    return result


# -- description and reports ----------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _source_state() -> dict:
    """Which edkg code was measured: its directory and, in a git checkout, commit and changes."""
    source = Path(edkg.__file__).resolve().parent
    state: dict = {"edkg": edkg.__version__, "source": str(source)}
    try:
        head = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(source.parent), "status", "--porcelain", "--", "graph", "ontology"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return state
    state["commit"] = head
    state["uncommitted"] = sorted(line[3:] for line in changed if line.strip())
    return state


def machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    return {
        "cpu": _cpu_model(),
        "cores": usable,
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average": load,  # other work on the machine skews every number
        **_source_state(),
    }


def _n(value, digits: int = 0) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits:
        return f"{value:,.{digits}f}"
    return f"{round(value):,}"


def _latency_cell(entry: dict, timing: dict) -> str:
    if not entry:
        return "-"
    if "skipped" in entry:
        return "federated" if entry["skipped"] == "federated" else "skipped"
    if "error" in timing:
        return "error: " + timing["error"].replace("|", "/")[:80]
    if timing.get("timed_out") and not timing.get("runs"):
        return f"> {timing['timeout_s']:.0f} s"
    return _n(timing["median_ms"], 1) + ("" if timing.get("runs") else "*")


def markdown(results: dict) -> str:
    m = results["machine"]
    changed = m.get("uncommitted")
    generator = results["generator"]
    lines = [
        "# edkg benchmark results",
        "",
        f"{m['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; "
        f"Python {m['python']}, pyoxigraph {m['pyoxigraph']}; edkg {m['edkg']} from "
        f"`{m['source']}`"
        + (f" at {m['commit']}" if "commit" in m else "")
        + (f" with uncommitted changes to {', '.join(changed)}" if changed else "")
        + (f" ({results['label']})" if results.get("label") else "")
        + f"; load average before the run {m['load_average']}.",
        "",
        f"Generator version {generator['version']}, seed {generator['seed']}.",
        "",
        "## Build (`edkg build`, a subprocess; triples = public + restricted)",
        "",
        "| cases | triples | triples/case | build s | CPU s | triples/s | peak RSS MB "
        "| rebuild s | generate s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results["sizes"]:
        build = size.get("build", {})
        generated = size["generate"]
        gen = "cached" if generated.get("cached") else _n(generated.get("seconds"), 1)
        if "error" in build:
            seconds = _n(build.get("seconds"), 1)
            lines.append(f"| {size['cases']:,} | {build['error']} | | {seconds} | | | | | {gen} |")
            continue
        lines.append(
            f"| {size['cases']:,} | {build['triples_total']:,} "
            f"({build['triples']['public']:,} public) "
            f"| {size['triples_per_case']} | {_n(build['seconds'], 1)} | "
            f"{_n(build['cpu_seconds'], 1)} | {_n(build['triples_per_second'])} | "
            f"{_n(build['peak_rss_mb'])} | {_n(size.get('rebuild', {}).get('seconds'), 1)} "
            f"| {gen} |"
        )
    remote_rows = [size for size in results["sizes"] if size.get("remote_build")]
    if remote_rows:
        lines += [
            "",
            "## Build into a remote store (two `oxigraph serve` on 127.0.0.1, SPARQL Update)",
            "",
            "`/ embedded` = remote build time / embedded build time, same records, same run. "
            "Peak RSS of the edkg process; the servers' own peak beside it.",
            "",
            "| cases | triples | build s | / embedded | CPU s | triples/s | peak RSS MB "
            "| servers' peak RSS MB |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for size in remote_rows:
            remote = size["remote_build"]
            if "error" in remote:
                lines.append(f"| {size['cases']:,} | {remote['error']} | | | | | | |")
                continue
            embedded = size.get("build", {}).get("seconds")
            servers = remote.get("server_peak_rss_mb", {})
            ratio = f"{remote['seconds'] / embedded:.2f}x" if embedded else "-"
            lines.append(
                f"| {size['cases']:,} | {remote['triples_total']:,} | {_n(remote['seconds'], 1)} "
                f"| {ratio} "
                f"| {_n(remote['cpu_seconds'], 1)} | {_n(remote['triples_per_second'])} "
                f"| {_n(remote['peak_rss_mb'])} "
                f"| {' + '.join(_n(v) for v in servers.values())} |"
            )
    lines += [
        "",
        "## Reference: the public N-Quads bulk-loaded into a plain pyoxigraph store",
        "",
        "`ratio` = build time / reference load time (the build also checks and converts every "
        "record and writes both datasets).",
        "",
        "| cases | public quads | memory: s | triples/s | peak RSS MB | ratio "
        "| disk: s | triples/s | peak RSS MB | ratio | export s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in results["sizes"]:
        refs = size.get("reference")
        if not refs:
            continue
        cells = [f"{size['cases']:,}", _n(refs["memory"].get("quads"))]
        for target in ("memory", "disk"):
            ref = refs[target]
            if "error" in ref:
                cells += [ref["error"], "", "", ""]
                continue
            cells += [
                _n(ref["seconds"], 2),
                _n(ref["triples_per_second"]),
                _n(ref["peak_rss_mb"]),
                f"{ref['build_ratio']}x",
            ]
        cells.append(_n(size["export"].get("seconds"), 1))
        lines.append("| " + " | ".join(cells) + " |")
    sample = results.get("sample_build")
    if sample:
        lines += ["", "## Bundled sample (`edkg build` with no path)", ""]
        if "error" in sample:
            lines.append(f"{sample['error']}:\n\n```\n{sample.get('output', '')}\n```")
        else:
            runs = ", ".join(f"{s:.2f}" for s in sample["runs_seconds"])
            lines.append(
                f"Median {sample['seconds']:.2f} s wall time of the command (runs: {runs} s), "
                f"{sample['triples_total']:,} triples, peak RSS {_n(sample['peak_rss_mb'])} MB; "
                f"records: {sample['records']}."
            )
    sized = [s for s in results["sizes"] if s.get("queries")]
    if sized:
        timeout = results.get("query_timeout_s", QUERY_TIMEOUT_S)
        lines += [
            "",
            "## Named queries on the public dataset",
            "",
            f"Median of {QUERY_RUNS} runs after a warm-up, in ms, each query in its own process. "
            f"A query whose first run takes over {SLOW_QUERY_S:.0f} s is not run again (`*`: that "
            f"one run); one still running after {timeout:.0f} s is stopped (`> {timeout:.0f} s`) "
            "and not run on more cases (`skipped`); federated queries (SERVICE) are not run. "
            "`direct` = the same text through `Store.query` (queries without parameters, not slow "
            "ones). The per-case queries ask about case B000001.",
            "",
            "| query | " + " | ".join(f"{s['cases']:,}: ms | direct | rows" for s in sized) + " |",
            "| --- | " + " | ".join("---: | ---: | ---:" for _ in sized) + " |",
        ]
        names = list(dict.fromkeys(q["query"] for s in sized for q in s["queries"]))
        for name in names:
            cells = [name]
            for size in sized:
                entry = next((q for q in size["queries"] if q["query"] == name), {})
                named = entry.get("named", {})
                cells += [
                    _latency_cell(entry, named),
                    _latency_cell(entry, entry["direct"]) if "direct" in entry else "-",
                    str(named.get("rows", "-")),
                ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_json(path: Path, results: dict) -> None:
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated numbers of cases (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--label", default="", help="what is measured, noted in the results")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="also time a second build of the same records into the same store",
    )
    parser.add_argument("--no-queries", action="store_true", help="measure builds and loads only")
    parser.add_argument("--no-sample", action="store_true", help="skip the bundled sample build")
    parser.add_argument(
        "--no-remote", action="store_true", help="skip the build into a remote store"
    )
    parser.add_argument(
        "--query-timeout",
        type=float,
        default=QUERY_TIMEOUT_S,
        help="seconds after which one query is stopped (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes numbers separated by commas, e.g. 1000,10000")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive number")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    edkg_cmd = edkg_command()
    results: dict = {
        "machine": machine(),
        "command": edkg_cmd,
        "label": args.label,
        "query_timeout_s": args.query_timeout,
        "generator": {"version": generate.GENERATOR_VERSION, "seed": args.seed},
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="edkg-bench-cwd-") as workdir:
        if not args.no_sample:
            print("== bundled sample")
            results["sample_build"] = sample_step(edkg_cmd, Path(workdir))
            if "error" not in results["sample_build"]:
                print(f"  build: {results['sample_build']['seconds']:.2f} s")
        options = Options(
            out,
            args.seed,
            edkg_cmd,
            Path(workdir),
            args.query_timeout,
            queries=not args.no_queries,
            rebuild=args.rebuild,
            remote=not args.no_remote,
        )
        for cases in sizes:
            results["sizes"].append(size_step(cases, options))
            write_json(out / "results.json", results)
    report = markdown(results)
    write_json(out / "results.json", results)
    (out / "results.md").write_text(report, encoding="utf-8")
    print()
    print(report)
    try:
        from bench.plot import draw
    except ImportError:  # pragma: no cover - matplotlib comes with the bench extra
        print("(no plot: pip install -e '.[bench]' for matplotlib)")
    else:
        drawn = draw(results, out / "cost.png")
        if drawn:
            print(f"plot: {drawn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
