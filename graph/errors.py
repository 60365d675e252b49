"""Errors edkg reports to people: each carries an HTTP status and a message that can be shown."""

from __future__ import annotations

from dataclasses import dataclass


class EdkgError(Exception):
    """Base class of the errors edkg reports; `status` is the HTTP status a route answers with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RecordProblem:
    """One thing wrong with one record: where it is and what is wrong, in words."""

    file: str
    message: str
    record: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        subject = []
        if self.record:
            subject.append(f"record {self.record}")
        if self.field:
            subject.append(f"field {self.field}")
        head = f"{where}: " + (", ".join(subject) + ": " if subject else "")
        return head + self.message

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "message": self.message,
        }


class RecordError(EdkgError):
    """One or more records are unusable; nothing of them may be stored."""

    status = 422

    def __init__(self, problems: list[RecordProblem]):
        self.problems = problems
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the records")


class StoreError(EdkgError):
    """The store cannot be read or written."""

    status = 503


class UnknownQueryError(EdkgError):
    """No named query has that name."""

    status = 404


class QueryParameterError(EdkgError):
    """A named-query parameter is missing, unknown or of the wrong type."""

    status = 400


class QueryError(EdkgError):
    """A SPARQL query could not be run."""

    status = 400
