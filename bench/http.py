"""The HTTP benchmark: `python -m bench.http --cases 1000 [--cases 10000] [--out bench/out]`.

For each size, on the synthetic records of bench.generate (reused from OUT/data-N), in one run:

* `edkg build` into a scratch store, `edkg export --format nquads` of its public dataset, and that
  dump loaded with `oxigraph load` into a plain Oxigraph database;
* two servers on 127.0.0.1: `oxigraph serve --union-default-graph` over that database (the
  reference) and `edkg serve --workers 2` over the release (EDKG_QUERY_TIMEOUT=60, so nothing is
  stopped);
* for every named query without required parameters (federated ones are not run), sequential
  latency (median and p95 after a warm-up; the modes take turns, so drifting load on the machine
  falls on all of them alike) of

  (a) the query text sent to oxigraph serve (`/query`),
  (b) the same text sent to edkg `/sparql` (guard, then a killable query process),
  (c) edkg `/queries/{name}.json` (the named-query API: in the web process, no query process),
  (d) the same query in this process, without protections: pyoxigraph on the same release store
      with the same serialisation as /sparql (`query_pool._run`, the query process's own code),
  (e) the same job through a `QueryPool` in this process: (d) plus the pipe round trip and the
      pickling of the job and the answer, i.e. what the killable query process costs (queries
      under 0.5 s in-process only);
  (f) (d) on the database `oxigraph load` wrote (opened read-only beside oxigraph serve): the
      same engine and code as (d) on another layout of the same quads, which tells the store's
      share of a difference from the engine's and the serialisation's;
  (g) (d) on edkg's remote store (`RemoteStore`, answer cache off) over the oxigraph serve of
      (a): the query through SPARQLWrapper and HTTP, the answer parsed and serialised again,
      i.e. what a release on a remote store costs per query;

  plus `ASK {}`, the fixed cost of a request on each path;
* the entity page /id/case/B000001 as HTML and as Turtle;
* throughput: a bounded concurrent load (4 clients, 10 s or 10,000 requests, whichever comes first,
  after a 1 s warm-up) of a light query mix from a separate process (http.client, keep-alive where
  the server allows it) against oxigraph serve, edkg /sparql and edkg /queries.

Every server is stopped at the end, also on an error (its whole process group). Writes OUT/http.json
and OUT/http.md and prints the Markdown.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from edkg import queries, settings, sparql_guard
from edkg.remote import Endpoint, RemoteStore
from edkg.server import sparql as sparql_route
from edkg.server.query_pool import Job, QueryPool, _run
from edkg.store import StoreDir

from bench.run import edkg_command, machine, prepare_data

REPOSITORY = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPOSITORY / "bench" / "out"
BASE_IRI = "https://w3id.org/edkg/"
FIRST_CASE = "B000001"
HOST = "127.0.0.1"
EDKG_WORKERS = 2
QUERY_TIMEOUT_S = 60  # EDKG_QUERY_TIMEOUT of the measured server: no query is stopped
CLIENT_TIMEOUT_S = 600
# oxigraph serve answers a connection idle for 60 s with an unasked-for 500 ("Resource temporarily
# unavailable"), which the next request on it would read: a connection idle this long is replaced.
IDLE_RECONNECT_S = 30.0
START_TIMEOUT_S = 120

RESULTS_JSON = "application/sparql-results+json"
TURTLE = "text/turtle"
ASK_EMPTY = "ASK {}"

# Sequential latency: warm-up rounds, then as many rounds as fit in the budget, within limits.
WARMUP_ROUNDS = 2
MIN_RUNS = 5
MAX_RUNS = 30
BUDGET_S = 5.0
SLOW_ROUND_S = 1.0  # a round slower than this gets one warm-up round only
HEAVY_ROUND_S = 10.0  # a round slower than this gets HEAVY_RUNS timed rounds (10,000 cases)
HEAVY_RUNS = 3
# The query process costs a constant fraction of a millisecond (see the light queries): on a query
# slower than this in-process it is lost in the noise, and measuring it would only lengthen the run.
POOL_MAX_S = 0.5
PAGE_RUNS = 30

# Throughput.
CONCURRENCY = 4
LOAD_SECONDS = 10.0
LOAD_REQUESTS = 10_000
LOAD_WARMUP_S = 1.0
LOAD_CASES = 8  # the per-case queries of the mix ask about B000001..B00000N in turn
LOAD_PER_CASE = ("case-summary", "case-events", "case-victims")
LOAD_DATASET = ("regions", "totals", "dataset-classes", "family-notification")

TARGET_LATENCY_RATIO = 1.5
TARGET_PAGE_MS = 20.0
TARGET_PROTECTION = 0.10
TARGET_THROUGHPUT = 0.70

MODES = {
    "oxigraph": "oxigraph serve",
    "sparql": "edkg /sparql",
    "api": "edkg /queries",
    "inprocess": "in-process",
    "pool": "in-process pool",
    "reference": "in-process on oxigraph's database",
    "remote": "in-process on the remote store",
}


# -- HTTP client -----------------------------------------------------------------------------------


class Client:
    """HTTP/1.1 to one port of 127.0.0.1 over one connection, reused while the server keeps it."""

    def __init__(self, port: int, timeout: float = CLIENT_TIMEOUT_S):
        self.connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        self.connects = 0
        self.used = time.monotonic()

    def get(self, path: str, accept: str) -> tuple[int, bytes, http.client.HTTPResponse]:
        if time.monotonic() - self.used > IDLE_RECONNECT_S:
            self.connection.close()
        try:
            return self._get(path, accept)
        finally:
            self.used = time.monotonic()

    def _get(self, path: str, accept: str) -> tuple[int, bytes, http.client.HTTPResponse]:
        for attempt in (1, 2):
            if self.connection.sock is None:
                self.connects += 1
            try:
                self.connection.request("GET", path, headers={"Accept": accept})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed meanwhile: once more on a new one.
                self.connection.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.connection.close()
            return response.status, body, response
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


def sparql_path(endpoint: str, text: str) -> str:
    return f"{endpoint}?{urlencode({'query': text}, quote_via=quote)}"


def api_path(name: str, values: dict[str, str], suffix: str = "json") -> str:
    path = f"/queries/{name}.{suffix}"
    return f"{path}?{urlencode(values, quote_via=quote)}" if values else path


# -- servers -----------------------------------------------------------------------------------


def group_cpu_seconds(group: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == group:  # pgrp; utime and stime follow as fields 14 and 15
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if not found:
        raise SystemExit("cannot find the oxigraph command line (pip install oxigraph)")
    return found


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    log: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None

    def start(self, workdir: Path) -> None:
        with self.log.open("wb") as log:
            # A session of its own: stop() ends the server with every process it started.
            self.process = subprocess.Popen(
                self.command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=workdir,
                env=self.env,
                start_new_session=True,
            )

    def wait_ready(self, path: str, accept: str) -> float:
        """Seconds until the server answers `path` with 200; SystemExit if it dies or never does."""
        started = time.perf_counter()
        while time.perf_counter() - started < START_TIMEOUT_S:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"{self.name} stopped (exit {self.process.returncode}):\n{self.tail()}"
                )
            client = Client(self.port, timeout=10)
            try:
                status, _, _ = client.get(path, accept)
                if status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            finally:
                client.close()
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer within {START_TIMEOUT_S} s:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM the server's process group, then SIGKILL whatever is left of it."""
        process = self.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(5)
        self.process = None


# -- preparing a store, a dump and a reference database ----------------------------------------


def run_step(command: list[str], workdir: Path, what: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise SystemExit(f"{what} failed (exit {done.returncode}):\n{tail}")
    return round(seconds, 2)


def prepare(cases: int, data: Path, scratch: Path, edkg: list[str], workdir: Path) -> dict:
    """The store, the public N-Quads and the oxigraph database; reused when `scratch` has them."""
    store, dump, database = scratch / "store", scratch / "public.nq", scratch / "oxigraph"
    marker = database / "edkg-bench.json"
    steps: dict = {}
    try:
        meta = StoreDir(store).current().meta
        reused = meta.get("records", {}).get("case") == cases
    except Exception:
        reused = False
    if reused:
        steps["build"] = "reused"
    else:
        print(f"  building {cases:,} cases into {store}", flush=True)
        shutil.rmtree(store, ignore_errors=True)
        command = [*edkg, "build", str(data), "--store", str(store)]
        steps["build_s"] = run_step(command, workdir, "edkg build")
        meta = StoreDir(store).current().meta
    version = meta["version"]
    loaded = None
    if marker.is_file():
        with contextlib.suppress(ValueError):
            loaded = json.loads(marker.read_text(encoding="utf-8")).get("version")
    if loaded == version and dump.is_file():
        steps["export"] = steps["load"] = "reused"
    else:
        command = [*edkg, "export", "--format", "nquads", "--output", str(dump)]
        steps["export_s"] = run_step([*command, "--store", str(store)], workdir, "edkg export")
        shutil.rmtree(database, ignore_errors=True)
        command = [oxigraph_binary(), "load", "--location", str(database), "--file", str(dump)]
        steps["load_s"] = run_step(command, workdir, "oxigraph load")
        marker.write_text(json.dumps({"version": version}), encoding="utf-8")
    steps["public_triples"] = meta["triples"]["public"]
    steps["dump_bytes"] = dump.stat().st_size
    steps["release"] = version
    return {"store": store, "dump": dump, "database": database, "steps": steps}


# -- measuring ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "min_ms": round(min(ms), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
    }


@dataclass
class Probe:
    """One way of asking a query: a call that returns (status, body)."""

    call: Callable[[], tuple[int, bytes]]
    times: list[float] = field(default_factory=list)
    body: bytes = b""
    failures: int = 0
    error: str | None = None

    def once(self) -> float | None:
        """Seconds of one call; None if it failed (counted, the first error kept)."""
        started = time.perf_counter()
        status, body = self.call()
        seconds = time.perf_counter() - started
        if status != 200:
            self.failures += 1
            if self.error is None:
                self.error = f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}"
            return None
        self.body = body
        return seconds

    def timed(self) -> None:
        seconds = self.once()
        if seconds is not None:
            self.times.append(seconds)

    def result(self) -> dict:
        entry = summary(self.times) if self.times else {"n": 0, "median_ms": None}
        entry["rows"] = rows_of(self.body)
        entry["bytes"] = len(self.body)
        if self.failures:
            entry["failures"] = self.failures
            entry["error"] = self.error
        return entry


def rows_of(body: bytes) -> int | None:
    """Rows of a SPARQL JSON result (1 for a boolean); None for anything else."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    if "boolean" in document:
        return 1
    return len(document.get("results", {}).get("bindings", []))


def measure_round_robin(probes: dict[str, Probe], options: Options) -> dict:
    """Warm-up rounds, then timed rounds of every probe in turn (the order rotates each round)."""
    started = time.perf_counter()
    first = {name: probe.once() for name, probe in probes.items()}
    first_round = time.perf_counter() - started
    if "pool" in probes and (first.get("inprocess") or 0) > POOL_MAX_S:
        del probes["pool"]
        first_round -= first["pool"] or 0
    warmups = 1 if first_round > SLOW_ROUND_S else options.warmup
    for _ in range(warmups - 1):
        for probe in probes.values():
            probe.once()
    runs = int(options.budget / max(first_round, 1e-6))
    runs = max(options.min_runs, min(options.max_runs, runs))
    if first_round > HEAVY_ROUND_S:
        runs = min(runs, HEAVY_RUNS)
    names = list(probes)
    for index in range(runs):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            probes[name].timed()
    out: dict = {name: probe.result() for name, probe in probes.items()}
    out["_warmup_rounds"] = warmups
    return out


@dataclass
class Options:
    out: Path
    seed: int
    warmup: int = WARMUP_ROUNDS
    min_runs: int = MIN_RUNS
    max_runs: int = MAX_RUNS
    budget: float = BUDGET_S
    concurrency: int = CONCURRENCY
    load_seconds: float = LOAD_SECONDS
    load_requests: int = LOAD_REQUESTS
    work: Path | None = None
    only: list[str] = field(default_factory=list)
    result_cache_mb: float = 0.0


class Context:
    """The two servers and the in-process store and pool of one size."""

    def __init__(self, oxigraph_port: int, edkg_port: int, store_root: Path, database: Path):
        self.oxigraph = Client(oxigraph_port)
        self.edkg = Client(edkg_port)
        self.edkg_port = edkg_port
        release = StoreDir(store_root).current()
        self.store_path = str(release.dataset_path("public"))
        self.store = ox.Store.read_only(self.store_path)
        self.reference = ox.Store.read_only(str(database))
        # edkg's remote store on the same oxigraph serve, without its answer cache: what a
        # release on a remote store costs per query (SPARQLWrapper, HTTP, parsing).
        self.remote = RemoteStore(
            Endpoint(f"http://{HOST}:{oxigraph_port}/query", timeout=QUERY_TIMEOUT_S),
            cache_bytes=0,
        )
        self.pool = QueryPool(1, QUERY_TIMEOUT_S)
        self.max_rows = int(settings.get("MAX_ROWS"))
        self.max_query_bytes = int(settings.get("MAX_QUERY_BYTES"))

    def close(self) -> None:
        self.pool.close()
        self.oxigraph.close()
        self.edkg.close()

    def job(self, text: str) -> Job:
        """The job /sparql would give its query process for `text` with SPARQL JSON or Turtle."""
        shape = sparql_guard.check(text, self.max_query_bytes)
        return Job(
            store=self.store_path,
            query=text,
            results_format="JSON",
            graph_format="TURTLE",
            max_rows=self.max_rows,
            union_default_graph=not shape.names_dataset,
            prefixes=sparql_route.PREFIXES,
            base_iri=f"http://{HOST}:{self.edkg_port}/sparql",
        )

    def probes(self, text: str, api: str | None) -> dict[str, Probe]:
        form = sparql_guard.check(text, self.max_query_bytes).form
        accept = TURTLE if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_JSON
        job = self.job(text)

        def http(client: Client, path: str):
            return lambda: client.get(path, accept)[:2]

        probes = {
            "oxigraph": Probe(http(self.oxigraph, sparql_path("/query", text))),
            "sparql": Probe(http(self.edkg, sparql_path("/sparql", text))),
        }
        if api is not None:
            probes["api"] = Probe(http(self.edkg, api))
        probes["inprocess"] = Probe(lambda: (200, _run(self.store, job).body))
        probes["pool"] = Probe(lambda: (200, self.pool.run(job).body))
        probes["reference"] = Probe(lambda: (200, _run(self.reference, job).body))
        probes["remote"] = Probe(lambda: (200, _run(self.remote, job).body))
        return probes

    def guard_ms(self, text: str, repeat: int = 200) -> float:
        started = time.perf_counter()
        for _ in range(repeat):
            sparql_guard.check(text, self.max_query_bytes)
        return round((time.perf_counter() - started) / repeat * 1000, 4)


def measured_queries(only: list[str]) -> tuple[list[queries.NamedQuery], dict[str, str]]:
    """Named queries without required parameters, not federated (edkg never runs SERVICE); and
    why each other one is not measured."""
    chosen, skipped = [], {}
    for named in queries.catalogue().values():
        if only and named.name not in only:
            continue
        required = [p.name for p in named.parameters.values() if p.required]
        if named.meta.get("federated") or getattr(named, "federated", False):
            skipped[named.name] = "federated"
        elif required:
            skipped[named.name] = "requires " + ", ".join(required)
        else:
            chosen.append(named)
    return chosen, skipped


def latency_step(context: Context, options: Options) -> list[dict]:
    results = []
    entries: list[tuple[str, str, str | None]] = [("(ASK {})", ASK_EMPTY, None)]
    entries += [(q.name, q.text, api_path(q.name, {})) for q in measured_queries(options.only)[0]]
    for name, text, api in entries:
        started = time.perf_counter()
        timings = measure_round_robin(context.probes(text, api), options)
        entry = {"query": name, "guard_ms": context.guard_ms(text), **timings}
        rows = {mode: timings[mode]["rows"] for mode in MODES if mode in timings}
        if len(set(rows.values())) > 1:
            entry["rows_differ"] = rows
        results.append(entry)
        shown = "  ".join(
            f"{mode} {timings[mode]['median_ms'] or 0:.1f}" for mode in MODES if mode in timings
        )
        print(
            f"  {name}: {shown} ms (n={timings['oxigraph']['n']}, "
            f"{time.perf_counter() - started:.1f} s)",
            flush=True,
        )
    return results


def page_step(context: Context) -> dict:
    path = f"/id/case/{FIRST_CASE}"
    probes = {
        "html": Probe(lambda: context.edkg.get(path, "text/html")[:2]),
        "turtle": Probe(lambda: context.edkg.get(path, TURTLE)[:2]),
    }
    for probe in probes.values():
        for _ in range(3):
            probe.once()
    for index in range(PAGE_RUNS):
        order = ("html", "turtle") if index % 2 == 0 else ("turtle", "html")
        for name in order:
            probes[name].timed()
    return {"path": path, **{name: probe.result() for name, probe in probes.items()}}


# -- throughput (in a separate process) --------------------------------------------------------


def load_mix(cases: int) -> list[dict]:
    """The light mix: per-case lookups of a few cases, and a few small dataset-wide queries.

    Each item is the query text (parameters bound as edkg binds them) and its /queries URL.
    """
    items = []
    for number in range(1, min(LOAD_CASES, cases) + 1):
        case = f"{BASE_IRI}id/case/B{number:06d}"
        for name in LOAD_PER_CASE:
            named = queries.get(name)
            values = {"case": case}
            text = queries.with_values(named.text, named.bind(values))
            items.append({"name": name, "text": text, "api": api_path(name, values)})
    for name in LOAD_DATASET:
        items.append({"name": name, "text": queries.get(name).text, "api": api_path(name, {})})
    return items


def run_load(spec: dict) -> dict:
    """`concurrency` clients over keep-alive connections, each sending the mix in turn."""
    port, paths, accept = spec["port"], spec["paths"], spec["accept"]
    lock = threading.Lock()
    state = {"issued": 0, "phase": "warmup"}
    samples: list[tuple[float, float, int]] = []  # (finished at, seconds, status)
    clients = [Client(port) for _ in range(spec["concurrency"])]
    errors: list[str] = []

    def worker(index: int, stop_at: float, measuring: bool) -> None:
        client = clients[index]
        position = index * 7
        while True:
            if time.perf_counter() >= stop_at:
                return
            if measuring:
                with lock:
                    if state["issued"] >= spec["max_requests"]:
                        return
                    state["issued"] += 1
            path = paths[position % len(paths)]
            position += 1
            started = time.perf_counter()
            try:
                status, body, _ = client.get(path, accept)
            except OSError as exc:
                status, body = 599, str(exc).encode()
            finished = time.perf_counter()
            if status != 200:
                with lock:
                    if len(errors) < 5:
                        errors.append(f"{status}: {body[:160].decode('utf-8', 'replace')}")
            if measuring:
                with lock:
                    samples.append((finished, finished - started, status))

    def phase(seconds: float, measuring: bool) -> float:
        started = time.perf_counter()
        threads = [
            threading.Thread(target=worker, args=(i, started + seconds, measuring))
            for i in range(len(clients))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return started

    phase(spec["warmup_seconds"], False)
    connects_before = sum(c.connects for c in clients)
    cpu_before = time.process_time()
    started = phase(spec["seconds"], True)
    client_cpu = time.process_time() - cpu_before
    for client in clients:
        client.close()
    if not samples:
        return {"error": "no request completed", "errors": errors}
    elapsed = max(s[0] for s in samples) - started
    ok = [s[1] for s in samples if s[2] == 200]
    ms = [s * 1000 for s in ok] or [0.0]
    return {
        "requests": len(samples),
        "ok": len(ok),
        "errors": len(samples) - len(ok),
        "error_examples": errors,
        "seconds": round(elapsed, 3),
        "requests_per_s": round(len(ok) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "max_ms": round(max(ms), 2),
        "connections": sum(c.connects for c in clients) - connects_before,
        "client_cpu_s": round(client_cpu, 3),
    }


def load_worker() -> None:
    """Entry point of the load process: the spec as JSON on stdin, the result as JSON on stdout."""
    print(json.dumps(run_load(json.loads(sys.stdin.read()))))


LOAD_COMMAND = "from bench.http import load_worker; load_worker()"


def throughput_step(cases: int, servers: dict[str, Server], options: Options) -> dict:
    """The load against each target; with the CPU its server's processes used meanwhile (the
    measured phase and its 1 s warm-up: requests/s times the warm-up are added below)."""
    mix = load_mix(cases)
    oxigraph, edkg = servers["oxigraph"], servers["edkg"]
    targets = {
        "oxigraph": (oxigraph, [sparql_path("/query", item["text"]) for item in mix]),
        "sparql": (edkg, [sparql_path("/sparql", item["text"]) for item in mix]),
        "api": (edkg, [item["api"] for item in mix]),
    }
    out: dict = {
        "mix": [item["name"] for item in mix],
        "concurrency": options.concurrency,
        "limit_seconds": options.load_seconds,
        "limit_requests": options.load_requests,
    }
    for target, (server, paths) in targets.items():
        spec = {
            "port": server.port,
            "paths": paths,
            "accept": RESULTS_JSON,
            "concurrency": options.concurrency,
            "seconds": options.load_seconds,
            "max_requests": options.load_requests,
            "warmup_seconds": LOAD_WARMUP_S,
        }
        cpu_before = group_cpu_seconds(server.process.pid)
        done = subprocess.run(
            [sys.executable, "-c", LOAD_COMMAND],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            cwd=REPOSITORY,
            timeout=options.load_seconds * 4 + CLIENT_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0:
            out[target] = {"error": done.stderr.strip().splitlines()[-1:]}
        else:
            out[target] = json.loads(done.stdout.strip().splitlines()[-1])
        result = out[target]
        if result.get("requests_per_s"):
            # The warm-up's requests used CPU too: count them at the measured rate.
            served = result["ok"] + result["requests_per_s"] * LOAD_WARMUP_S
            cpu = group_cpu_seconds(server.process.pid) - cpu_before
            result["server_cpu_s"] = round(cpu, 2)
            result["server_cpu_ms_per_request"] = round(cpu / served * 1000, 2)
            result["client_cpu_ms_per_request"] = round(
                result["client_cpu_s"] / result["requests"] * 1000, 2
            )
        if "requests_per_s" in result:
            print(
                f"  load {MODES[target]}: {result['requests_per_s']} req/s, p50 "
                f"{result['p50_ms']} ms, p99 {result['p99_ms']} ms, {result['errors']} errors",
                flush=True,
            )
    return out


# -- one size ----------------------------------------------------------------------------------


def size_step(cases: int, options: Options, edkg: list[str], workdir: Path) -> dict:
    print(f"== {cases} cases", flush=True)
    data, generated = prepare_data(cases, options.out, options.seed)
    result: dict = {"cases": cases, "data": str(data), "generate": generated}
    scratch_parent = options.work or Path(tempfile.mkdtemp(prefix=f"edkg-http-{cases}-"))
    scratch = scratch_parent / f"http-{cases}" if options.work else scratch_parent
    scratch.mkdir(parents=True, exist_ok=True)
    servers: list[Server] = []
    context: Context | None = None
    try:
        prepared = prepare(cases, data, scratch, edkg, workdir)
        result["prepare"] = prepared["steps"]
        print(f"  prepared: {prepared['steps']}", flush=True)
        ports = {"oxigraph": free_port(), "edkg": free_port()}
        oxigraph = Server(
            "oxigraph serve",
            [
                *[oxigraph_binary(), "serve", "--location", str(prepared["database"])],
                *["--bind", f"{HOST}:{ports['oxigraph']}", "--union-default-graph"],
            ],
            ports["oxigraph"],
            scratch / "oxigraph.log",
        )
        env = {
            **os.environ,
            "EDKG_QUERY_TIMEOUT": str(QUERY_TIMEOUT_S),
            "EDKG_RESULT_CACHE_MB": f"{options.result_cache_mb:g}",
        }
        result["result_cache_mb"] = options.result_cache_mb
        served = Server(
            "edkg serve",
            [
                *[*edkg, "serve", "--store", str(prepared["store"])],
                *["--host", HOST, "--port", str(ports["edkg"]), "--workers", str(EDKG_WORKERS)],
            ],
            ports["edkg"],
            scratch / "edkg.log",
            env=env,
        )
        servers += [oxigraph, served]
        for server in servers:
            server.start(workdir)
        ask = sparql_path("/query", ASK_EMPTY)
        result["startup_s"] = {
            "oxigraph": round(oxigraph.wait_ready(ask, RESULTS_JSON), 2),
            "edkg": round(served.wait_ready(sparql_path("/sparql", ASK_EMPTY), RESULTS_JSON), 2),
        }
        context = Context(ports["oxigraph"], ports["edkg"], prepared["store"], prepared["database"])
        # Start every query process of both web workers: concurrent requests reach both.
        warm = [sparql_path("/sparql", ASK_EMPTY)] * (EDKG_WORKERS * 4)
        run_load(
            {
                "port": ports["edkg"],
                "paths": warm,
                "accept": RESULTS_JSON,
                "concurrency": EDKG_WORKERS * 2,
                "seconds": 1.0,
                "max_requests": 10**9,
                "warmup_seconds": 0.5,
            }
        )
        result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
        result["skipped"] = measured_queries(options.only)[1]
        result["queries"] = latency_step(context, options)
        result["page"] = page_step(context)
        page = result["page"]
        print(
            f"  page {page['path']}: html {page['html']['median_ms']:.1f} ms, "
            f"turtle {page['turtle']['median_ms']:.1f} ms",
            flush=True,
        )
        result["throughput"] = throughput_step(
            cases, {"oxigraph": oxigraph, "edkg": served}, options
        )
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        result["server_log_tail"] = {s.name: s.tail(3) for s in servers}
    finally:
        if context is not None:
            context.close()
        for server in servers:
            server.stop()
        if options.work is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return result


# -- the report --------------------------------------------------------------------------------


def _ms(entry: dict | None, key: str = "median_ms") -> str:
    if not entry or entry.get(key) is None:
        return "-"
    value = entry[key]
    return f"{value:,.2f}" if value < 10 else f"{value:,.1f}"


def _n2(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _div(a: dict | None, b: dict | None) -> float | None:
    if not a or not b or a.get("median_ms") is None or not b.get("median_ms"):
        return None
    return a["median_ms"] / b["median_ms"]


def protection(q: dict) -> dict:
    """What /sparql costs over the in-process baseline; the guard and query process alone."""
    b, d = q["sparql"]["median_ms"], q["inprocess"]["median_ms"]
    if b is None or not d:
        return {}
    out = {"overhead_ms": round(b - d, 2), "ratio": round(b / d, 2)}
    if q.get("pool", {}).get("median_ms") is not None:
        alone = q["pool"]["median_ms"] - d + q["guard_ms"]
        out["pool_and_guard_ms"] = round(alone, 2)
        out["pool_and_guard_share"] = round(alone / b, 3)
    return out


def verdicts(size: dict) -> dict:
    """The targets of the issues, met or missed, for one size."""
    named = [q for q in size["queries"] if not q["query"].startswith("(")]
    ratios = {
        mode: {q["query"]: _div(q.get(mode), q.get("oxigraph")) for q in named}
        for mode in ("sparql", "api")
    }
    out: dict = {}
    for mode, values in ratios.items():
        worst = max(values, key=lambda k: values[k])
        missed = sorted(k for k, v in values.items() if v > TARGET_LATENCY_RATIO)
        out[f"latency_{mode}"] = {
            "met": not missed,
            "within": len(values) - len(missed),
            "of": len(values),
            "worst": worst,
            "worst_ratio": round(values[worst], 2),
            "geomean_ratio": round(statistics.geometric_mean(values.values()), 2),
            "missed": missed,
        }
    page = size["page"]
    out["page"] = {
        fmt: {"median_ms": page[fmt]["median_ms"], "met": page[fmt]["median_ms"] < TARGET_PAGE_MS}
        for fmt in ("html", "turtle")
    }
    protections = {q["query"]: protection(q) for q in named}
    protections = {k: v for k, v in protections.items() if v}
    over = [k for k, v in protections.items() if v["ratio"] > 1 + TARGET_PROTECTION]
    pooled = {k: v for k, v in protections.items() if "pool_and_guard_ms" in v}
    share_over = [k for k, v in pooled.items() if v["pool_and_guard_share"] > TARGET_PROTECTION]
    fixed = protection(next(q for q in size["queries"] if q["query"] == "(ASK {})"))
    out["protections"] = {
        "per_query": protections,
        "met_end_to_end": not over,
        "within_end_to_end": len(protections) - len(over),
        "of": len(protections),
        "over_end_to_end": over,
        "met_pool_and_guard": not share_over,
        "within_pool_and_guard": len(pooled) - len(share_over),
        "of_pooled": len(pooled),
        "over_pool_and_guard": share_over,
        # The fixed cost of a request (ASK {}), and the latency from which it is 10 % or less.
        "fixed_end_to_end_ms": fixed.get("overhead_ms"),
        "fixed_pool_and_guard_ms": fixed.get("pool_and_guard_ms"),
    }
    load = size["throughput"]
    shares = {}
    for mode in ("sparql", "api"):
        reference = load["oxigraph"].get("requests_per_s")
        served = load[mode].get("requests_per_s")
        if reference and served is not None:
            shares[mode] = {"share": round(served / reference, 2)}
            shares[mode]["met"] = shares[mode]["share"] >= TARGET_THROUGHPUT
    out["throughput"] = shares
    return out


def _met(flag: bool) -> str:
    return "**met**" if flag else "**missed**"


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# edkg HTTP benchmark",
        "",
        f"{m['date']}; {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; "
        f"Python {m['python']}, pyoxigraph {m['pyoxigraph']}, {results['oxigraph']}; "
        f"edkg {m['edkg']}" + (f" at {m['commit']}" if "commit" in m else "") + "; load average "
        f"before the run {m['load_average']}.",
        "",
        f"Servers on {HOST}: `oxigraph serve --union-default-graph` over the public N-Quads "
        f"(`edkg export --format nquads`, `oxigraph load`), and `edkg serve --workers "
        f"{EDKG_WORKERS}` (gunicorn gthread workers, {settings.get('QUERY_WORKERS')} query "
        f"processes each, EDKG_QUERY_TIMEOUT={QUERY_TIMEOUT_S}, "
        f"EDKG_MAX_ROWS={settings.get('MAX_ROWS')}). Client: http.client, GET with "
        "`Accept: application/sparql-results+json`; both servers keep connections alive.",
    ]
    for size in results["sizes"]:
        lines += _size_markdown(size, results["options"])
    return "\n".join(lines) + "\n"


FACTORS = (
    (
        "sparql",
        "inprocess",
        "edkg /sparql ÷ in-process: HTTP, Flask, gunicorn, guard, query process",
    ),
    ("inprocess", "reference", "in-process ÷ on ox db: the store (same quads, engine and code)"),
    (
        "reference",
        "oxigraph",
        "on ox db ÷ oxigraph serve: pyoxigraph and Python JSON in-process vs. oxigraph serve",
    ),
    ("sparql", "oxigraph", "edkg /sparql ÷ oxigraph serve (the product of the three)"),
    ("api", "oxigraph", "edkg /queries ÷ oxigraph serve"),
)


def _decomposition(size: dict) -> list[str]:
    """Geometric means over the named queries of the steps from oxigraph serve to edkg."""
    named = [q for q in size["queries"] if not q["query"].startswith("(")]
    lines = [
        "",
        "Where the difference comes from: ratios of medians, geometric mean over the "
        f"{len(named)} named queries (least - most).",
        "",
        "| ratio | geometric mean | range |",
        "| --- | ---: | ---: |",
    ]
    for top, bottom, label in FACTORS:
        values = [r for q in named if (r := _div(q.get(top), q.get(bottom))) is not None]
        if not values:
            continue
        lines.append(
            f"| {label} | {statistics.geometric_mean(values):.2f} | "
            f"{min(values):.2f} - {max(values):.2f} |"
        )
    return lines


def _size_markdown(size: dict, options: dict) -> list[str]:
    steps = size.get("prepare", {})
    lines = [
        "",
        f"## {size['cases']:,} cases",
        "",
        f"{steps.get('public_triples', 0):,} public triples (release {steps.get('release')}); "
        f"build {steps.get('build_s', steps.get('build'))} s, export "
        f"{steps.get('export_s', steps.get('export'))} s, oxigraph load "
        f"{steps.get('load_s', steps.get('load'))} s; load average "
        f"{size.get('load_average_before')} before the measurements, "
        f"{size.get('load_average_after')} after. edkg serve ran with EDKG_RESULT_CACHE_MB="
        f"{size.get('result_cache_mb', 0):g}"
        + (
            " (no answer kept: every request ran its query, as at oxigraph serve)."
            if not size.get("result_cache_mb")
            else " (repeated queries answered from the cache of the release's answers)."
        ),
    ]
    if "queries" not in size:
        return [*lines, "", f"Not measured: {size.get('error', 'unknown error')}"]
    lines += [
        "",
        "### Named queries: sequential latency, ms (median / p95)",
        "",
        f"n timed requests per path after {options['warmup']} warm-up rounds (1 when a round "
        f"takes over {SLOW_ROUND_S:.0f} s), the paths taking turns; n = {options['budget']:g} s "
        f"/ one round, between {options['min_runs']} and {options['max_runs']}, and "
        f"{HEAVY_RUNS} when a round takes over {HEAVY_ROUND_S:.0f} s (with few runs the p95 is "
        "the slowest). `/ ox` = median / the oxigraph serve median (target for "
        f"/sparql and /queries: ≤ {TARGET_LATENCY_RATIO}). `in-process`: the query and the same "
        "serialisation as /sparql in the benchmark process, no HTTP, no protections; `on ox db`: "
        "the same on the database `oxigraph load` wrote (same quads, same engine and code, "
        "another store layout); `remote store`: the same in-process code on edkg's remote store "
        "(`edkg.remote.RemoteStore`, answer cache off) over the same oxigraph serve, i.e. what a "
        "release on a remote store costs per query (target ≤ 1.5). `(ASK {})` is the fixed cost "
        "of a request on each path.",
        "",
        "| query | rows | n | oxigraph serve | edkg /sparql | / ox | edkg /queries | / ox "
        "| in-process | / ox | on ox db | / ox | remote store | / ox |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for q in size["queries"]:
        ox_, sp, api, inp, ref, rem = (
            q.get(k) for k in ("oxigraph", "sparql", "api", "inprocess", "reference", "remote")
        )
        flag = " ≠" if q.get("rows_differ") else ""
        cells = [
            q["query"],
            f"{ox_.get('rows')}{flag}",
            str(ox_["n"]),
            f"{_ms(ox_)} / {_ms(ox_, 'p95_ms')}",
            f"{_ms(sp)} / {_ms(sp, 'p95_ms')}",
            _ratio(_div(sp, ox_)),
            f"{_ms(api)} / {_ms(api, 'p95_ms')}" if api else "-",
            _ratio(_div(api, ox_)),
            _ms(inp),
            _ratio(_div(inp, ox_)),
            _ms(ref),
            _ratio(_div(ref, ox_)),
            _ms(rem) if rem else "-",
            _ratio(_div(rem, ox_)) if rem else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    skipped = size.get("skipped") or {}
    if skipped:
        lines += [
            "",
            "Not measured: " + "; ".join(f"{name} ({why})" for name, why in skipped.items()) + ".",
        ]
    lines += _decomposition(size)
    errors = [
        f"{q['query']} ({mode}): {q[mode]['error']}"
        for q in size["queries"]
        for mode in MODES
        if isinstance(q.get(mode), dict) and q[mode].get("error")
    ]
    differ = [f"{q['query']}: {q['rows_differ']}" for q in size["queries"] if q.get("rows_differ")]
    if errors or differ:
        lines += ["", "Errors or differing row counts (≠): " + "; ".join(errors + differ)]
    lines += [
        "",
        "### What the protections of /sparql cost, ms (medians)",
        "",
        "`in-process`: the query run by `query_pool._run` (the query process's own code: "
        "pyoxigraph, row cap, SPARQL JSON written by `json.dumps`) in the benchmark process. "
        "`guard`: `sparql_guard.check`. `pool`: the same job through a `QueryPool` in the "
        "benchmark process (the job pickled down a pipe to the query process, the answer pickled "
        f"back; measured where the query takes under {POOL_MAX_S:g} s in-process). `/sparql - "
        "in-process` is what the protected path costs over the unprotected in-process answer, "
        "HTTP, Flask and gunicorn included (target: ≤ 10 %, i.e. `÷` ≤ 1.10); `share` = (pool - "
        "in-process + guard) / /sparql, the part of the /sparql latency the protections alone "
        "account for (≤ 10 %).",
        "",
        "| query | in-process | guard | pool | pool - in-process | /sparql "
        "| /sparql - in-process | ÷ in-process | share |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for q in size["queries"]:
        cost = protection(q)
        pool = q.get("pool")
        cells = [
            q["query"],
            _ms(q["inprocess"]),
            f"{q['guard_ms']:.3f}",
            _ms(pool),
            f"{pool['median_ms'] - q['inprocess']['median_ms']:+.2f}" if pool else "-",
            _ms(q["sparql"]),
            f"{cost['overhead_ms']:+.2f}",
            f"{cost['ratio']:.2f}",
            f"{cost['pool_and_guard_share']:.1%}" if pool else "-",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    page = size["page"]
    lines += [
        "",
        f"### Entity page `{page['path']}` (edkg serve), ms",
        "",
        f"| representation | median | p95 | n | bytes | target < {TARGET_PAGE_MS:.0f} ms |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for fmt, label in (("html", "HTML"), ("turtle", "Turtle")):
        entry = page[fmt]
        lines.append(
            f"| {label} | {_ms(entry)} | {_ms(entry, 'p95_ms')} | {entry['n']} | "
            f"{entry['bytes']:,} | {_met(entry['median_ms'] < TARGET_PAGE_MS)} |"
        )
    load = size["throughput"]
    mix = load["mix"]
    described = ", ".join(f"{name} x{mix.count(name)}" for name in dict.fromkeys(mix))
    lines += [
        "",
        f"### Throughput: {load['concurrency']} concurrent clients from a separate process",
        "",
        f"{load['limit_seconds']:g} s or {load['limit_requests']:,} requests, whichever comes "
        f"first, after {LOAD_WARMUP_S:g} s of warm-up; the mix, in turn: {described} (the "
        f"per-case queries for cases B000001-B{min(LOAD_CASES, size['cases']):06d}, bound as "
        "edkg binds parameters; the same text to both SPARQL endpoints). `connections`: TCP "
        "connections opened while measuring. `server CPU`: user + system CPU of the server's "
        "processes (oxigraph; gunicorn, its workers and their query processes) over the warm-up "
        "and the measured requests, per request; `client CPU`: the load process's (it shares "
        f"the machine's {os.cpu_count()} cores with the server).",
        "",
        "| server | requests | s | requests/s | ÷ oxigraph | p50 ms | p95 ms | p99 ms | errors "
        "| connections | server CPU ms/request | client CPU ms/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    reference = load["oxigraph"].get("requests_per_s")
    for mode in ("oxigraph", "sparql", "api"):
        entry = load[mode]
        if "requests_per_s" not in entry:
            lines.append(f"| {MODES[mode]} | error: {entry.get('error')} |||||||||||")
            continue
        share = entry["requests_per_s"] / reference if reference else None
        lines.append(
            f"| {MODES[mode]} | {entry['requests']:,} | {entry['seconds']:.1f} | "
            f"{entry['requests_per_s']:,.1f} | {_ratio(share)} | {entry['p50_ms']} | "
            f"{entry['p95_ms']} | {entry['p99_ms']} | {entry['errors']} | {entry['connections']} | "
            f"{_n2(entry.get('server_cpu_ms_per_request'))} | "
            f"{_n2(entry.get('client_cpu_ms_per_request'))} |"
        )
    v = size["verdicts"]
    lines += ["", "### Targets", ""]
    for mode, label in (("sparql", "/sparql"), ("api", "/queries/{name}")):
        t = v[f"latency_{mode}"]
        lines.append(
            f"- Named queries through {label} within {TARGET_LATENCY_RATIO}x oxigraph serve: "
            f"{_met(t['met'])}: {t['within']} of {t['of']} within; worst {t['worst']} "
            f"({t['worst_ratio']}x), geometric mean {t['geomean_ratio']}x"
            + (f"; over: {', '.join(t['missed'])}" if t["missed"] else "")
            + "."
        )
    lines.append(
        f"- Entity page under {TARGET_PAGE_MS:.0f} ms median: HTML "
        f"{v['page']['html']['median_ms']:.1f} ms {_met(v['page']['html']['met'])}, Turtle "
        f"{v['page']['turtle']['median_ms']:.1f} ms {_met(v['page']['turtle']['met'])}."
    )
    p = v["protections"]
    share = 1 / TARGET_PROTECTION
    lines.append(
        f"- Protections ≤ {TARGET_PROTECTION:.0%} of median latency: end to end (/sparql ÷ "
        f"in-process ≤ {1 + TARGET_PROTECTION:.2f}) {_met(p['met_end_to_end'])}: "
        f"{p['within_end_to_end']} of {p['of']} queries within"
        + (f" (over: {', '.join(p['over_end_to_end'])})" if p["over_end_to_end"] else "")
        + f"; the guard and the query process alone {_met(p['met_pool_and_guard'])}: "
        f"{p['within_pool_and_guard']} of {p['of_pooled']} within"
        + (f" (over: {', '.join(p['over_pool_and_guard'])})" if p["over_pool_and_guard"] else "")
        + f". The fixed cost of a request (`ASK {{}}`) is {p['fixed_end_to_end_ms']} ms end to "
        f"end, of which {p['fixed_pool_and_guard_ms']} ms guard and query process: 10 % or less "
        f"of a query taking over {p['fixed_end_to_end_ms'] * share:.0f} ms in-process, and "
        f"{p['fixed_pool_and_guard_ms'] * share:.0f} ms for the protections alone. For slower "
        "queries the differences above are run-to-run noise (some are negative)."
    )
    for mode, label in (("sparql", "/sparql"), ("api", "/queries")):
        share = v["throughput"].get(mode)
        if share:
            lines.append(
                f"- Throughput of edkg {label} ≥ {TARGET_THROUGHPUT:.0%} of oxigraph serve: "
                f"{share['share']:.0%} {_met(share['met'])}."
            )
    return lines


def oxigraph_version() -> str:
    done = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "oxigraph"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.http", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--cases", type=int, action="append", help="number of cases (repeatable; default 1000)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--seed", type=int, default=None, help="generator seed")
    parser.add_argument(
        "--work",
        type=Path,
        help="keep the store, dump and oxigraph database in WORK/http-N and reuse them "
        "(default: a temporary directory, removed at the end)",
    )
    parser.add_argument("--warmup", type=int, default=WARMUP_ROUNDS, help="warm-up rounds")
    parser.add_argument("--min-runs", type=int, default=MIN_RUNS)
    parser.add_argument("--max-runs", type=int, default=MAX_RUNS)
    parser.add_argument(
        "--budget", type=float, default=BUDGET_S, help="seconds of timed rounds per query"
    )
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--load-seconds", type=float, default=LOAD_SECONDS)
    parser.add_argument("--load-requests", type=int, default=LOAD_REQUESTS)
    parser.add_argument("--query", action="append", default=[], help="measure only these")
    parser.add_argument(
        "--result-cache-mb",
        type=float,
        default=0.0,
        help="EDKG_RESULT_CACHE_MB of the edkg server (default 0: every request runs its query, "
        "as at oxigraph serve; the server's own default is 64)",
    )
    args = parser.parse_args(argv)
    from bench import generate

    options = Options(
        out=args.out.resolve(),
        seed=generate.DEFAULT_SEED if args.seed is None else args.seed,
        warmup=max(1, args.warmup),
        min_runs=max(1, args.min_runs),
        max_runs=max(1, args.max_runs),
        budget=args.budget,
        concurrency=max(1, args.concurrency),
        load_seconds=args.load_seconds,
        load_requests=args.load_requests,
        work=args.work.resolve() if args.work else None,
        only=args.query,
        result_cache_mb=max(0.0, args.result_cache_mb),
    )
    options.out.mkdir(parents=True, exist_ok=True)
    edkg = edkg_command()
    results: dict = {
        "machine": machine(),
        "oxigraph": oxigraph_version(),
        "command": edkg,
        "options": {
            "warmup": options.warmup,
            "min_runs": options.min_runs,
            "max_runs": options.max_runs,
            "budget": options.budget,
            "concurrency": options.concurrency,
            "seed": options.seed,
        },
        "sizes": [],
    }
    with tempfile.TemporaryDirectory(prefix="edkg-http-cwd-") as workdir:
        for cases in args.cases or [1000]:
            started = time.perf_counter()
            size = size_step(cases, options, edkg, Path(workdir))
            size["verdicts"] = verdicts(size)
            size["seconds"] = round(time.perf_counter() - started, 1)
            results["sizes"].append(size)
            (options.out / "http.json").write_text(json.dumps(results, indent=2) + "\n")
    report = markdown(results)
    (options.out / "http.json").write_text(json.dumps(results, indent=2) + "\n")
    (options.out / "http.md").write_text(report, encoding="utf-8")
    print()
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
