"""Checks a public SPARQL query must pass before it reaches Oxigraph: size, nesting, no federation.

Oxigraph aborts the whole process (a stack overflow, not an exception) on a query with a few
thousand nested brackets, and its ``SERVICE`` makes outbound HTTP requests. So the public endpoint
refuses, before any evaluation:

- a query longer than the configured number of bytes (UTF-8);
- a query whose brackets (``(``, ``{``, ``[``) nest deeper than :data:`MAX_DEPTH`;
- the keywords ``SERVICE`` (federated query, also ``SERVICE ?var`` and ``SERVICE SILENT``) and
  ``LOAD`` (an update that fetches a document), also glued to another word: Oxigraph 0.5 reads
  ``trueSERVICE <x> {}`` as ``true SERVICE <x> {}``.

The checks are lexical: :func:`scan` reads the query with the SPARQL tokens that can hide a keyword
or a bracket (comments, the four kinds of strings, IRIs, variables, prefixed names, language tags,
numbers) and looks only at what is left. A test runs thousands of spellings through the guard
and then through Oxigraph against a listener, to keep the two readings in step. Oxigraph does not
expand ``\\u`` escapes outside strings and IRIs, so an escaped keyword is a syntax error there,
never a ``SERVICE``. The scan also tells the query form (``SELECT``, ``ASK``, ``CONSTRUCT``,
``DESCRIBE``), so the endpoint can negotiate the response format before it runs anything, and
whether the query names its own dataset with ``FROM`` / ``FROM NAMED``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import QueryError

MAX_DEPTH = 200
"""Deepest bracket nesting accepted. Real queries stay far below; Oxigraph overflows its stack
around 5,000 in a process's main thread."""

MAX_OPERATORS_REMOTE = 1000
"""Most operators (``&& || + - * / = != < <= > >= ! | ^``) and joining keywords (UNION,
MINUS, OPTIONAL, FILTER, BIND, GRAPH, VALUES) in a query sent on to a remote store. Long flat
chains are parsed recursively too: `oxigraph serve` 0.5.13 crashed (stack overflow) on
2,000-4,000 MINUS groups, 8,000 UNIONs or 12,000 ``&&``, where edkg's own query processes have
a large stack. Real queries use a few dozen."""

_JOINING = frozenset({"UNION", "MINUS", "OPTIONAL", "FILTER", "BIND", "GRAPH", "VALUES"})

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
REFUSED = {
    "SERVICE": "federated queries (SERVICE) are not allowed on this endpoint: it never makes "
    "requests to other services",
    "LOAD": "LOAD is not allowed: this endpoint is read-only and never fetches documents",
}

# Characters SPARQL allows inside names besides \w (PN_CHARS), and a local name's escapes (PLX).
_PN = r"\w\-\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    rf"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''
               | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               | '(?:[^'\\\n\r]|\\.)*'
               | "(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<bnode>_:[\w](?:[{_PN}.]*[{_PN}])?)
    | (?P<pname>(?:[^\W\d_](?:[{_PN}.]*[{_PN}])?)?
                :(?:(?:[\w:]|{_PLX})(?:(?:[{_PN}.:]|{_PLX})*(?:[{_PN}:]|{_PLX}))?)?)
    | (?P<word>[^\W\d]\w*)
    | (?P<datatype>\^\^)
    | (?P<operator>&&|\|\||!=|<=|>=|[|^/*+\-=<>!])
    | (?P<open>[({{\[])
    | (?P<close>[)}}\]])
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
"""SPARQL's tokens, as far as they matter here. Names follow the grammar exactly: a prefix or a
local name never starts or ends with a dot, so ``true.SERVICE`` and ``ex:.SERVICE`` are a word or
a prefixed name, a dot and the keyword SERVICE, just as Oxigraph reads them."""


class QueryRefused(QueryError):
    """A query the public endpoint will not run (status 400)."""

    status = 400


class QueryTooLarge(QueryRefused):
    """A query longer than the endpoint accepts (status 413)."""

    status = 413


@dataclass(frozen=True)
class Scan:
    """What the lexical scan of a query found."""

    form: str | None
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of these keywords, None if there is none."""
    depth: int
    """Deepest nesting of (, { and [ outside strings, IRIs and comments."""
    keywords: frozenset[str]
    """Every bare word (upper-cased): keywords and function names, outside strings, IRIs,
    comments, variables and prefixed names."""
    operators: int = 0
    """Operator characters and joining keywords outside strings, IRIs and comments."""

    def mentions(self, keyword: str) -> bool:
        """True if a bare word contains `keyword`.

        A word, not only the keyword alone: Oxigraph 0.5 reads ``trueSERVICE <x> {}`` as ``true``
        followed by ``SERVICE``. No SPARQL keyword or function name contains SERVICE, LOAD or FROM,
        so this refuses nothing a valid query needs.
        """
        return any(keyword in word for word in self.keywords)

    @property
    def names_dataset(self) -> bool:
        """True when the query has a FROM or FROM NAMED clause."""
        return self.mentions("FROM")


def scan(query: str) -> Scan:
    """Read `query` token by token; report its form, bracket depth and bare keywords."""
    depth = deepest = operators = 0
    keywords: set[str] = set()
    form = None
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            keywords.add(word)
            if form is None and word in FORMS:
                form = word
            if word in _JOINING:
                operators += 1
        elif kind == "operator":
            operators += 1
        elif kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
    return Scan(form, deepest, frozenset(keywords), operators)


def check_operators(found: Scan, max_operators: int) -> None:
    """Refuse a query with more operators and joining keywords than `max_operators`."""
    if found.operators > max_operators:
        raise QueryRefused(
            f"the query has {found.operators:,} operators and joining keywords (UNION, MINUS, "
            f"OPTIONAL, FILTER, &&, ...); this endpoint accepts at most {max_operators:,}"
        )


def check(
    query: str, max_bytes: int, max_depth: int = MAX_DEPTH, max_operators: int | None = None
) -> Scan:
    """Refuse a query that is too long, too deeply nested, or uses SERVICE or LOAD.

    `max_operators` (None: no limit) bounds the operators and joining keywords: see
    MAX_OPERATORS_REMOTE.

    Raises QueryTooLarge (413) or QueryRefused (400) with a message for the person who sent it;
    returns the scan otherwise. The size is checked first, so a huge query is never scanned.
    """
    size = len(query.encode("utf-8"))
    if size > max_bytes:
        raise QueryTooLarge(
            f"the query is {size:,} bytes long; this endpoint accepts queries of at most "
            f"{max_bytes:,} bytes"
        )
    found = scan(query)
    if found.depth > max_depth:
        raise QueryRefused(
            f"the query nests brackets {found.depth} levels deep; this endpoint accepts at most "
            f"{max_depth} levels"
        )
    if max_operators is not None:
        check_operators(found, max_operators)
    for keyword, message in REFUSED.items():
        if found.mentions(keyword):
            raise QueryRefused(message)
    return found
