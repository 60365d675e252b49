"""Real SPARQL servers for the remote-store tests, started on 127.0.0.1 and stopped afterwards.

`OxigraphServer` runs `oxigraph serve` (PyPI package `oxigraph`, installed with the test extras)
on a free port with its own temporary directory. `VirtuosoServer` runs Debian's
`virtuoso-opensource` the same way where it is installed (tests/tools/install.sh installs it).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import ClassVar

from edkg.remote import Endpoint, RemoteConfig

STARTUP_SECONDS = 60
QUERY_LIMIT = 15
# How long edkg waits for the test servers: a sample query takes well under a second, so a store
# that has not answered a query in 30 s or an update in 120 s is hung, and the test fails instead
# of waiting the production defaults (60 s and 3600 s) once per remaining test.
WAITS = {"timeout": 30.0, "write_timeout": 120.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_command() -> str:
    found = Path(sys.executable).with_name("oxigraph")
    return str(found) if found.exists() else (shutil.which("oxigraph") or "oxigraph")


class Server:
    """A server process; `stop` ends it and its children.

    `Server.live` holds the servers started and not yet stopped, so a failing test's report can
    show their logs (tests/conftest.py).
    """

    live: ClassVar[list[Server]] = []
    process: subprocess.Popen | None = None
    url: str = ""

    def _wait(self, url: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{type(self).__name__} exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    Server.live.append(self)
                    return
            except urllib.error.HTTPError:
                Server.live.append(self)
                return  # it answers: up
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{type(self).__name__} did not start in {STARTUP_SECONDS} s")

    def log_tail(self) -> str:
        return ""

    def stop(self) -> None:
        if self in Server.live:
            Server.live.remove(self)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class OxigraphServer(Server):
    """`oxigraph serve` on 127.0.0.1:port over a directory."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.log = directory.with_name(directory.name + ".log")
        self.port = free_port()
        with self.log.open("wb") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [
                    oxigraph_command(),
                    "serve",
                    "--location",
                    str(directory),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    # The store's own time limit: edkg stops waiting, only the store stops a query.
                    "--timeout-s",
                    str(QUERY_LIMIT),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self._wait(f"{self.url}/query?query=" + urllib.parse.quote("ASK {}"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def endpoint(self, **options) -> Endpoint:
        return Endpoint(f"{self.url}/query", f"{self.url}/update", **{**WAITS, **options})


def oxigraph_config(root: Path, **options) -> tuple[RemoteConfig, list[OxigraphServer]]:
    """Two oxigraph servers (public and restricted) under `root`, and the config naming them."""
    public = OxigraphServer(root / "public")
    restricted = OxigraphServer(root / "restricted")
    config = RemoteConfig(public.endpoint(**options), restricted.endpoint(**options))
    return config, [public, restricted]


def settings_of(config: RemoteConfig) -> dict[str, str]:
    """The EDKG_* settings (names without the prefix) that select `config`."""
    return {
        "REMOTE_QUERY_URL": config.public.query_url,
        "REMOTE_UPDATE_URL": config.public.update_url,
        "REMOTE_RESTRICTED_QUERY_URL": config.restricted.query_url,
        "REMOTE_RESTRICTED_UPDATE_URL": config.restricted.update_url,
        "REMOTE_USER": config.public.user,
        "REMOTE_PASSWORD": config.public.password,
        "REMOTE_AUTH": config.public.auth,
        "REMOTE_TIMEOUT": f"{config.public.timeout:g}",
        "REMOTE_WRITE_TIMEOUT": f"{config.public.write_timeout:g}",
        "REMOTE_UNION": config.public.union,
    }


def environ_of(config: RemoteConfig) -> dict[str, str]:
    return {f"EDKG_{name}": value for name, value in settings_of(config).items()}


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t") or (
        "/usr/bin/virtuoso-t" if os.path.exists("/usr/bin/virtuoso-t") else None
    )


class StubStore:
    """A SPARQL endpoint on 127.0.0.1 that misbehaves on purpose, or forwards to a real one.

    `behave(method, path, body)` returns (status, headers, body) to answer with, or None to forward
    the request to `upstream` (a real server's base URL). It may sleep to play a slow store.
    """

    def __init__(self, behave, upstream: str | None = None):
        import http.server
        import threading

        stub = self
        self.behave = behave
        self.upstream = upstream
        self.requests: list[tuple[str, str, bytes]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                stub.requests.append((self.command, self.path, body))
                answer = stub.behave(self.command, self.path, body)
                if answer is None:
                    answer = stub._forward(self.command, self.path, dict(self.headers), body)
                status, headers, payload = answer
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting

            do_GET = do_POST = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _forward(self, method: str, path: str, headers: dict, body: bytes):
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "accept")}
        request = urllib.request.Request(
            self.upstream + path, data=body or None, headers=keep, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return (
                    response.status,
                    {"Content-Type": response.headers.get("Content-Type", "")},
                    response.read(),
                )
        except urllib.error.HTTPError as error:
            return error.code, {"Content-Type": "text/plain"}, error.read()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 256M
ThreadsPerQuery = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {limit}
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


class VirtuosoServer(Server):
    """Debian's Virtuoso 7 (virtuoso-t) on two free ports of 127.0.0.1, over a new database.

    Writes go through /sparql-auth with HTTP digest authentication as the database's
    administrator (a new database's dba/dba), which exercises edkg's credentials.
    """

    USER = "dba"
    PASSWORD = "dba"

    def __init__(self, directory: Path):
        binary = virtuoso_binary()
        if binary is None:
            raise RuntimeError("virtuoso-t is not installed (tests/tools/install.sh installs it)")
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.port = free_port()
        ini = directory / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                dir=directory, sql_port=free_port(), http_port=self.port, limit=QUERY_LIMIT
            ),
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            cwd=directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait(f"{self.url}/sparql?query=" + urllib.parse.quote("ASK {}"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self) -> str:
        log = self.directory / "virtuoso.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def endpoint(self, **options) -> Endpoint:
        options = {
            **WAITS,
            "user": self.USER,
            "password": self.PASSWORD,
            "auth": "digest",
            "union": "native",
            **options,
        }
        return Endpoint(f"{self.url}/sparql", f"{self.url}/sparql-auth", **options)


def virtuoso_config(root: Path, **options) -> tuple[RemoteConfig, list[VirtuosoServer]]:
    """Two Virtuoso servers (public and restricted) under `root`, and the config naming them."""
    public = VirtuosoServer(root / "public")
    try:
        restricted = VirtuosoServer(root / "restricted")
    except BaseException:
        public.stop()
        raise
    config = RemoteConfig(public.endpoint(**options), restricted.endpoint(**options))
    return config, [public, restricted]
