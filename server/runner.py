"""Serving the app with gunicorn, a production WSGI server with several worker processes."""

from __future__ import annotations

from pathlib import Path

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict, store: Path):
        self.options = options
        self.store = store
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app({"STORE": str(self.store)})


def run(host: str, port: int, workers: int, store: Path, threads: int = 4) -> None:
    """Serve the public dataset of `store` until interrupted.

    Each worker process serves `threads` requests at once (gunicorn's gthread workers) and keeps
    connections alive between requests, as SPARQL clients and browsers expect: a sync worker
    closes every connection, which cost a short query more than the query itself. The SPARQL work
    itself runs in the query processes, so threads wait there, not on each other.
    """
    options = {
        "bind": f"{host}:{port}",
        "workers": max(1, workers),
        "worker_class": "gthread",
        "threads": max(1, threads),
        "keepalive": 5,
        "accesslog": "-",
        "timeout": 60,
        # A SPARQL query may travel in a long GET URL; its size is checked by the app
        # (EDKG_MAX_QUERY_BYTES), not by gunicorn's 4 KB request-line default.
        "limit_request_line": 0,
    }
    _Gunicorn(options, store).run()
