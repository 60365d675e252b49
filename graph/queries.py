"""Named SPARQL queries: `.rq` files with a grlc-style `#+` header and BASIL-named parameters.

A parameter is a variable named ``?_name`` (required) or ``?__name`` (optional), optionally followed
by its type: ``_iri``, ``_xsd_<datatype>`` (e.g. ``?_since_xsd_date``) or a two-letter language
(``?_label_en``); without a type it is a plain string. Values are parsed, checked and bound as RDF
terms through the engine's variable substitution: they are never pasted into the query text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import yaml

from .errors import QueryError, QueryParameterError, UnknownQueryError
from .resources import queries_dir
from .sparql_guard import QueryRefused, scan

XSD = "http://www.w3.org/2001/XMLSchema#"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
VARIABLE_PATTERN = re.compile(r"[?$](__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)")
IRI_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def _check_integer(text: str) -> None:
    int(text)


def _check_decimal(text: str) -> None:
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueError(text)
    Decimal(text)


def _check_boolean(text: str) -> None:
    if text not in ("true", "false", "1", "0"):
        raise ValueError(text)


def _check_year(text: str) -> None:
    if not re.fullmatch(r"-?\d{4,}", text):
        raise ValueError(text)


CHECKS = {
    "integer": _check_integer,
    "decimal": _check_decimal,
    "date": dt.date.fromisoformat,
    "dateTime": dt.datetime.fromisoformat,
    "boolean": _check_boolean,
    "gYear": _check_year,
    "string": str,
}
EXAMPLES = {
    "integer": "42",
    "decimal": "3.5",
    "date": "2013-04-17",
    "dateTime": "2013-04-17T09:00:00",
    "boolean": "true",
    "gYear": "2013",
    "string": "text",
}


@dataclass(frozen=True)
class Parameter:
    """One named-query parameter, read from its BASIL variable name."""

    name: str
    variable: str
    required: bool
    kind: str  # "iri", "literal", "lang" or "typed"
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def from_variable(cls, underscores: str, body: str) -> Parameter:
        required = underscores == "_"
        variable = underscores + body
        parts = body.split("_")
        if len(parts) >= 3 and parts[-2] == "xsd":
            datatype = parts[-1]
            if datatype not in CHECKS:
                raise QueryError(f"parameter ?{variable}: unsupported type xsd:{datatype}")
            return cls("_".join(parts[:-2]), variable, required, "typed", datatype=datatype)
        if len(parts) >= 2 and parts[-1] == "iri":
            return cls("_".join(parts[:-1]), variable, required, "iri")
        if len(parts) >= 2 and re.fullmatch(r"[a-z]{2}", parts[-1]):
            return cls("_".join(parts[:-1]), variable, required, "lang", language=parts[-1])
        return cls(body, variable, required, "literal")

    @property
    def type_label(self) -> str:
        if self.kind == "typed":
            return f"xsd:{self.datatype}"
        if self.kind == "lang":
            return f"text@{self.language}"
        return {"iri": "IRI", "literal": "text"}[self.kind]

    def term(self, value: str) -> ox.NamedNode | ox.Literal:
        """Parse a value given as text into the RDF term this parameter takes."""
        if not isinstance(value, str) or len(value) > 2000:
            raise QueryParameterError(f"parameter {self.name}: value is missing or too long")
        if self.kind == "iri":
            if not IRI_PATTERN.match(value):
                raise QueryParameterError(
                    f"parameter {self.name}: {value!r} is not an absolute IRI"
                )
            return ox.NamedNode(value)
        if self.kind == "typed":
            try:
                CHECKS[self.datatype](value)
            except (ValueError, InvalidOperation):
                raise QueryParameterError(
                    f"parameter {self.name}: {value!r} is not a valid xsd:{self.datatype} "
                    f"(example: {EXAMPLES[self.datatype]})"
                ) from None
            return ox.Literal(value, datatype=ox.NamedNode(XSD + self.datatype))
        if self.kind == "lang":
            return ox.Literal(value, language=self.language)
        return ox.Literal(value)


@dataclass(frozen=True)
class NamedQuery:
    """A named query read from its `.rq` file."""

    name: str
    path: Path
    text: str
    meta: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return str(self.meta.get("summary", self.name))

    @property
    def description(self) -> str:
        return str(self.meta.get("description", ""))

    @property
    def tags(self) -> list[str]:
        return [str(t) for t in self.meta.get("tags", [])]

    @cached_property
    def federated(self) -> bool:
        """True when the query calls another SPARQL service: its header says `federated: true`, or
        its text has a SERVICE clause."""
        return self.meta.get("federated") is True or scan(self.text).mentions("SERVICE")

    @cached_property
    def parameters(self) -> dict[str, Parameter]:
        found: dict[str, Parameter] = {}
        body = "\n".join(
            line for line in self.text.splitlines() if not line.lstrip().startswith("#")
        )
        for match in VARIABLE_PATTERN.finditer(body):
            parameter = Parameter.from_variable(match.group(1), match.group(2))
            found.setdefault(parameter.name, parameter)
        return found

    def defaults(self) -> dict[str, str]:
        """Example values from the header's `defaults` (a list of one-key mappings, as grlc)."""
        values: dict[str, str] = {}
        for item in self.meta.get("defaults", []) or []:
            if isinstance(item, dict):
                values.update({str(k): str(v) for k, v in item.items()})
        return values

    def bind(self, values: dict[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        """Check the given values against the parameters and return the substitutions."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            known = ", ".join(sorted(self.parameters)) or "none"
            raise QueryParameterError(
                f"query {self.name} has no parameter {', '.join(unknown)} (parameters: {known})"
            )
        substitutions = {}
        for name, parameter in self.parameters.items():
            if name in values:
                substitutions[ox.Variable(parameter.variable)] = parameter.term(values[name])
            elif parameter.required:
                raise QueryParameterError(
                    f"query {self.name} needs parameter {name} ({parameter.type_label})"
                )
        return substitutions


def _header(text: str) -> dict:
    lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    try:
        meta = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as exc:
        raise QueryError(f"malformed #+ header: {exc}") from None
    return meta if isinstance(meta, dict) else {}


def read_query(path: Path) -> NamedQuery:
    """Read one `.rq` file."""
    text = path.read_text(encoding="utf-8")
    return NamedQuery(path.stem, path, text, _header(text))


def catalogue() -> dict[str, NamedQuery]:
    """Every bundled named query, by name."""
    return {path.stem: read_query(path) for path in sorted(queries_dir().glob("*.rq"))}


def get(name: str) -> NamedQuery:
    """A bundled named query by name, or UnknownQueryError."""
    if not NAME_PATTERN.match(name):
        raise UnknownQueryError(f"no named query {name!r}")
    path = queries_dir() / f"{name}.rq"
    if not path.is_file():
        raise UnknownQueryError(f"no named query {name!r}; `edkg query --list` shows them")
    return read_query(path)


_IRIREF = re.compile(r"<[^\s<>\"{}|^`\\]*>")


def _where_brace(text: str) -> int:
    """Index of the `{` that opens the query's WHERE group, skipping comments, IRIs and strings."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if char == "<" and (iri := _IRIREF.match(text, i)):
            i = iri.end()
            continue
        if char in "'\"":
            quote = text[i : i + 3] if text[i : i + 3] in ("'''", '"""') else char
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if char == "{":
            return i
        i += 1
    raise QueryError("the query has no WHERE group to bind parameters in")


def with_values(text: str, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """Bind parameters with a VALUES block at the start of the WHERE group.

    The terms were parsed and checked by `Parameter.term` and are written by Oxigraph's own term
    serialiser, so each value is always exactly one IRI or literal. (Oxigraph's `substitutions`
    accepts only projected variables, which parameters seldom are.) A parameter must therefore be
    used in the query's main group, not only inside a subquery.
    """
    if not bindings:
        return text
    variables = " ".join(str(v) for v in bindings)
    row = " ".join(str(t) for t in bindings.values())
    at = _where_brace(text) + 1
    return f"{text[:at]}\n  VALUES ({variables}) {{ ({row}) }}{text[at:]}"


def run(store: ox.Store, query: NamedQuery, values: dict[str, str] | None = None):
    """Run a named query on a store with typed, bound parameters.

    A federated query is refused before it runs: Oxigraph would make the outbound requests of its
    SERVICE clauses from this process, and edkg never calls other services.
    """
    if query.federated:
        raise QueryRefused(
            f"query {query.name} is a federated query (SERVICE): edkg never calls other services, "
            "so it runs only in a SPARQL store that allows federation (see 'Federated queries' "
            "in the README)"
        )
    text = with_values(query.text, query.bind(values or {}))
    try:
        return store.query(text, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise QueryError(f"query {query.name} is not valid SPARQL: {exc}") from None
