"""One error handler for the app: edkg errors and HTTP errors rendered as a page with a status."""

from __future__ import annotations

from edkg.errors import EdkgError
from flask import Flask, render_template
from werkzeug.exceptions import HTTPException


def register_error_handlers(app: Flask) -> None:
    """Render EdkgError and HTTP errors with their status and a message, never a traceback."""

    @app.errorhandler(EdkgError)
    def edkg_error(error: EdkgError):
        return render_template(
            "error.html", status=error.status, message=error.message
        ), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        return render_template("error.html", status=status, message=error.description), status
