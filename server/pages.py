"""HTML pages: the home page and a page per case."""

from __future__ import annotations

from edkg.errors import StoreError
from edkg.records import ID_PATTERN
from flask import Blueprint, abort, render_template

from .dataset import dataset

bp = Blueprint("pages", __name__)


def _text(term) -> str:
    return "" if term is None else term.value


def _rows(rows: list[dict]) -> list[dict]:
    return [{k: _text(v) for k, v in row.items()} for row in rows]


@bp.get("/")
def home():
    """What the dataset holds, and the list of cases."""
    data = dataset()
    release, _ = data.current()
    totals = _rows(data.select("totals"))[0]
    cases = _rows(data.select("cases"))
    return render_template("pages/home.html", totals=totals, cases=cases, release=release)


@bp.get("/id/case/<ident>")
def case(ident: str):
    """A case: its victims and the timeline of its events."""
    if not ID_PATTERN.match(ident):
        abort(404, description=f"no case {ident!r}")
    data = dataset()
    release, _ = data.current()
    iri = f"{release.meta['base_iri']}id/case/{ident}"
    summary = _rows(data.select("case-summary", case=iri))
    if not summary:
        abort(404, description=f"no case {ident!r}")
    victims = _rows(data.select("case-victims", case=iri))
    events = _rows(data.select("case-events", case=iri))
    return render_template(
        "pages/case.html", iri=iri, case=summary[0], victims=victims, events=events
    )


@bp.app_errorhandler(StoreError)
def no_store(error: StoreError):
    return render_template("error.html", status=503, message=error.message), 503
