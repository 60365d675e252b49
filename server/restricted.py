"""/restricted/sparql: the SPARQL endpoint over the restricted dataset, for token holders only.

It answers exactly as /sparql does (same protocol, limits and worker processes) but reads the
restricted dataset, and only for a request that carries `Authorization: Bearer <token>` with a
token granted in EDKG_ACCESS_TOKENS. Every request, granted or refused, goes to the audit log.
No other route opens the restricted dataset.
"""

from __future__ import annotations

from pathlib import Path

from edkg import access
from edkg.errors import EdkgError
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, Unauthorized

from . import sparql

bp = Blueprint("restricted", __name__)
METHODS = ("GET", "HEAD", "POST")


def _audit_path() -> Path:
    configured = current_app.config.get("AUDIT_LOG") or ""
    return Path(configured) if configured else Path(current_app.config["STORE"]) / "audit.log"


def _grants() -> tuple[access.Grant, ...]:
    grants = current_app.extensions.get("edkg.grants")
    if grants is None:
        grants = access.parse_grants(str(current_app.config.get("ACCESS_TOKENS") or ""))
        current_app.extensions["edkg.grants"] = grants
    return grants


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@bp.route("/restricted/sparql", methods=[*METHODS, "PUT", "DELETE", "PATCH"])
def endpoint():
    """Query the restricted dataset (SPARQL 1.1 Protocol), with a valid token only."""
    who = access.authenticate(_bearer(), _grants())
    if who is None:
        access.audit(
            _audit_path(),
            who=None,
            route=request.path,
            method=request.method,
            status=401,
            remote=request.remote_addr,
        )
        raise Unauthorized(
            "the restricted dataset needs `Authorization: Bearer <token>` with a granted token"
        )
    query = None
    status = 500
    rows = 0
    try:
        if request.method not in METHODS:
            raise MethodNotAllowed(valid_methods=list(METHODS))
        limit = int(current_app.config["MAX_BODY_BYTES"])
        request.max_content_length = limit
        request.max_form_memory_size = limit
        query, params = sparql._read_request()
        if query is None:
            raise sparql.BadRequest("the request has no query parameter")
        response, answer = sparql.run_query(query, params, "restricted", "restricted.endpoint")
        status, rows = response.status_code, answer.count
        response.headers["Cache-Control"] = "no-store"
        return response
    except (EdkgError, HTTPException) as error:
        status = getattr(error, "status", None) or getattr(error, "code", None) or 500
        raise
    finally:
        access.audit(
            _audit_path(),
            who=who,
            route=request.path,
            method=request.method,
            query=query,
            rows=rows,
            status=status,
            remote=request.remote_addr,
        )


@bp.errorhandler(EdkgError)
def _edkg_error(error: EdkgError) -> Response:
    return sparql._edkg_error(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    response = sparql._error(error.code or 500, error.description or error.name)
    if isinstance(error, Unauthorized):
        response.headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(METHODS)
    response.headers["Cache-Control"] = "no-store"
    return response
