"""SPARQL queries run in worker processes that can be killed: a hard time limit for pyoxigraph.

pyoxigraph cannot interrupt a running query, so the only way to stop one is to stop the process
running it. Each web process keeps a small pool of query processes (EDKG_QUERY_WORKERS), started on
first use with the "forkserver" method (never a fork of a threaded server). A worker opens the
public dataset of the release it is given read-only, reopens it when the release changes, runs one
query at a time, applies the row cap and serialises the result in the format the request chose.
The request waits for the answer at most EDKG_QUERY_TIMEOUT seconds; after that the worker is
killed (SIGKILL) and a new one takes its place on the next request.

A worker runs queries on a thread with a large stack: Oxigraph parses and evaluates recursively and
aborts the process on a stack overflow, which the 8 MB main thread reaches with a few thousand
nested brackets or a long chain of UNIONs. The lexical guard refuses deep nesting before a query
gets here; the large stack keeps flat but long queries from crashing the worker. If a worker dies
all the same, the request gets a 500 and the pool starts a new worker.
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox
from edkg.errors import EdkgError, StoreError
from edkg.remote import Endpoint, RemoteStore
from edkg.store import open_locator

log = logging.getLogger(__name__)

WORKER_STACK_BYTES = 512 * 1024 * 1024
"""Stack of the thread that runs queries in a worker (address space; only used pages count)."""


class QueryTimeout(EdkgError):
    """The query ran longer than the time limit and was stopped."""

    status = 503


class PoolBusy(EdkgError):
    """Every query worker stayed busy for as long as a query may run."""

    status = 503


class WorkerCrashed(EdkgError):
    """The process running the query died."""

    status = 500


class QueryFailed(EdkgError):
    """The query could not be evaluated (the details stay in the log)."""

    status = 500


class QuerySyntaxError(EdkgError):
    """The SPARQL parser refused the query; the message is the parser's."""

    status = 400


class NotAcceptableResult(EdkgError):
    """The query's result kind has no format the client accepts."""

    status = 406


@dataclass(frozen=True)
class Job:
    """One query for a worker: everything it needs, picklable."""

    store: str | Endpoint
    """Where the dataset is: a path of the embedded store, or a remote store (`Release.locator`)."""
    query: str
    results_format: str | None
    """Name of the QueryResultsFormat for SELECT and ASK (None: not acceptable)."""
    graph_format: str | None
    """Name of the RdfFormat for CONSTRUCT and DESCRIBE (None: not acceptable)."""
    max_rows: int
    union_default_graph: bool = True
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None
    """Base for relative IRIs in the query (the endpoint's own URL)."""


@dataclass(frozen=True)
class Answer:
    """What a worker sends back for a query that ran."""

    kind: str
    """"solutions", "boolean" or "graph"."""
    body: bytes
    format: str
    truncated: bool = False
    count: int = 0
    """Rows (or triples) in the body; 1 for a boolean."""


# --- the worker process -----------------------------------------------------------------------


def _worker_main(conn) -> None:
    """Entry point of a worker process: serve jobs from `conn` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is for the server; it closes the pipe
    threading.stack_size(WORKER_STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(conn,), name="edkg-query")
    thread.start()
    thread.join()


def _serve(conn) -> None:
    opened: tuple[str | Endpoint, ox.Store | RemoteStore] | None = None
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if opened is None or opened[0] != job.store:
                opened = None
                opened = (job.store, open_locator(job.store))
            reply: tuple[str, object] = ("ok", _run(opened[1], job))
        except SyntaxError as exc:
            reply = ("syntax", str(exc))
        except StoreError as exc:
            log.error("%s", exc.message)
            reply = ("store", exc.message)
        except NotAcceptableResult as exc:
            reply = ("not-acceptable", exc.message)
        except Exception:
            log.exception("query failed")
            reply = ("failed", "the query could not be evaluated")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return


def _run(store: ox.Store, job: Job) -> Answer:
    options: dict = {"base_iri": job.base_iri}
    if job.default_graph is not None or job.named_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graph or ()]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union_default_graph:
        options["use_default_graph_as_union"] = True
    result = store.query(job.query, **options)
    if isinstance(result, ox.QueryBoolean):
        return _boolean(result, job)
    if isinstance(result, ox.QuerySolutions):
        return _solutions(result, job)
    return _graph(result, job)


def _boolean(result: ox.QueryBoolean, job: Job) -> Answer:
    if job.results_format is None:
        raise NotAcceptableResult("an ASK query answers with a boolean result")
    target = getattr(ox.QueryResultsFormat, job.results_format)
    return Answer("boolean", result.serialize(format=target), job.results_format, count=1)


def _solutions(result: ox.QuerySolutions, job: Job) -> Answer:
    """Serialise at most max_rows solutions: written as SPARQL JSON, converted if asked."""
    if job.results_format is None:
        raise NotAcceptableResult("a SELECT query answers with a table of results")
    variables = [v.value for v in result.variables]
    bindings = []
    truncated = False
    for solution in result:
        if len(bindings) == job.max_rows:
            truncated = True
            break
        row = {}
        for name in variables:
            term = solution[name]
            if term is not None:
                row[name] = _json_term(term)
        bindings.append(row)
    body = json.dumps(
        {"head": {"vars": variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    if job.results_format != "JSON":
        target = getattr(ox.QueryResultsFormat, job.results_format)
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=target)
    return Answer("solutions", body, job.results_format, truncated, len(bindings))


def _json_term(term) -> dict:
    """A term in the SPARQL 1.1 (and 1.2, for triple terms) JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = "rtl" if term.direction == ox.BaseDirection.RTL else "ltr"
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _graph(result: ox.QueryTriples, job: Job) -> Answer:
    if job.graph_format is None:
        raise NotAcceptableResult("a CONSTRUCT or DESCRIBE query answers with an RDF graph")
    triples = []
    truncated = False
    for triple in result:
        if len(triples) == job.max_rows:
            truncated = True
            break
        triples.append(triple)
    target = getattr(ox.RdfFormat, job.graph_format)
    body = ox.serialize(triples, format=target, prefixes=used_prefixes(triples, job.prefixes))
    return Answer("graph", body or b"", job.graph_format, truncated, len(triples))


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str] | None:
    """The prefixes whose namespace starts an IRI of `triples` (the writers declare them all)."""
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {
        triple.object.datatype.value for triple in triples if isinstance(triple.object, ox.Literal)
    }
    used = {
        name: namespace
        for name, namespace in prefixes.items()
        if any(iri.startswith(namespace) for iri in iris)
    }
    return used or None


# --- the pool, in the web process -------------------------------------------------------------


class _Worker:
    def __init__(self, process, conn):
        self.process = process
        self.conn = conn

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        """SIGKILL the process and reap it, so no zombie and no CPU are left behind."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of query processes, started lazily, each running one query at a time."""

    def __init__(self, size: int, timeout: float, start_method: str = "forkserver"):
        self.size = max(1, size)
        self.timeout = timeout
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._context.set_forkserver_preload([__name__])
        self._slots: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        for _ in range(self.size):
            self._slots.put(None)
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._busy: set[_Worker] = set()
        self._closed = False
        atexit.register(self.close)

    def run(self, job: Job) -> Answer:
        """Run `job` in a worker and return its answer, or raise an EdkgError saying why not."""
        if self._closed:
            raise QueryFailed("the query service is shutting down")
        try:
            worker = self._slots.get(timeout=self.timeout)
        except queue.Empty:
            raise PoolBusy(
                f"every query worker stayed busy for {self.timeout:g} s; try again later"
            ) from None
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._discard(worker)
                worker = self._start()
            with self._lock:
                self._busy.add(worker)
            try:
                reply = self._ask(worker, job)
            finally:
                with self._lock:
                    self._busy.discard(worker)
        except BaseException:
            if worker is not None and not worker.alive():
                self._discard(worker)
                worker = None
            raise
        finally:
            self._slots.put(worker)
        status, value = reply
        if status == "ok":
            return value
        if status == "syntax":
            raise QuerySyntaxError(value)
        if status == "not-acceptable":
            raise NotAcceptableResult(value)
        if status == "store":
            raise StoreError(value)
        raise QueryFailed(value)

    def _ask(self, worker: _Worker, job: Job) -> tuple[str, object]:
        started = time.monotonic()
        try:
            worker.conn.send(job)
            ready = worker.conn.poll(self.timeout)
            reply = worker.conn.recv() if ready else None
        except (EOFError, OSError):
            code = worker.process.exitcode
            worker.kill()
            log.error("query worker %s died (exit code %s)", worker.pid, code)
            raise WorkerCrashed(
                "the process running the query stopped unexpectedly; the query was not answered"
            ) from None
        if reply is None:
            worker.kill()
            log.warning(
                "query stopped after %.1f s: worker %s killed",
                time.monotonic() - started,
                worker.pid,
            )
            raise QueryTimeout(f"query stopped after {self.timeout:g} s (the time limit)")
        return reply

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child,), name="edkg-query-worker", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        log.info("query worker %s started", process.pid)
        return worker

    def _discard(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._workers.discard(worker)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return [w.pid for w in self._workers if w.alive() and w.pid is not None]

    def busy_pids(self) -> list[int]:
        """Process ids of the workers running a query now (for tests and diagnostics)."""
        with self._lock:
            return [w.pid for w in self._busy if w.pid is not None]

    def close(self) -> None:
        """Stop every worker (closing its pipe ends it; a stuck one is killed)."""
        self._closed = True
        with self._lock:
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.conn.close()
            worker.process.join(1)
            worker.kill()
        atexit.unregister(self.close)


def pool_for(owner: object, size: int, timeout: float) -> QueryPool:
    """A new pool that is closed when `owner` (the app) is garbage-collected or at exit."""
    pool = QueryPool(size, timeout)
    weakref.finalize(owner, pool.close)
    return pool


def worker_alive(pid: int) -> bool:
    """True if a process with this id exists (and is not a reaped zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
