"""EDTF dates: validity, earliest and latest possible day, and precision.

The `edtf` package is the parser. It is slow (about 5 ms a date, pyparsing), so results are cached
by string, and the plain ISO forms (YYYY, YYYY-MM, YYYY-MM-DD), which most records use, are read
directly; a test checks that both routes agree.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from edtf.parser.edtf_exceptions import EDTFParseException
from edtf.parser.grammar import level0Expression, level1Expression
from pyparsing import ParseBaseException

PLAIN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Levels 0 and 1 of EDTF: what the shapes accept too. Level 2 forms (2013-XX-17, 2013-25) are
# refused, so that a record the build accepts never fails validation for its date syntax.
LEVELS_0_AND_1 = level0Expression("level0") ^ level1Expression("level1")
WINTER = "24"


class DateError(ValueError):
    """Not a valid EDTF date."""


@dataclass(frozen=True)
class Interpretation:
    """What an EDTF string says: its bounds as ISO dates (None when open) and its precision."""

    earliest: str | None
    latest: str | None
    precision: str


def precision(value: str) -> str:
    """Name the precision of an EDTF string with a date-precision code."""
    if "/" in value:
        return "interval"
    if "?" in value:
        return "uncertain"
    if "~" in value or "%" in value:
        return "approximate"
    if "X" in value or "x" in value:
        year = value.split("-")[0]
        return "decade" if year[:3].isdigit() and not year[3:4].isdigit() else "unknown"
    parts = value.split("-")
    if len(parts) == 1:
        return "year"
    if len(parts) == 2:
        return "season" if int(parts[1]) > 12 else "month"
    return "day"


def _plain(match: re.Match) -> Interpretation | None:
    year, month, day = match.groups()
    y = int(year)
    if month is None:
        return Interpretation(f"{year}-01-01", f"{year}-12-31", "year")
    m = int(month)
    if not 1 <= m <= 12:
        return None  # a season (21-24) or an error: the parser decides
    last = calendar.monthrange(y, m)[1]
    if day is None:
        return Interpretation(f"{year}-{month}-01", f"{year}-{month}-{last:02d}", "month")
    try:
        dt.date(y, m, int(day))
    except ValueError:
        raise DateError(f"{match.string!r} is not a calendar date") from None
    return Interpretation(match.string, match.string, "day")


def _bound(compute) -> str | None:
    try:
        moment = compute()
    except (ValueError, TypeError, OverflowError):
        return None
    if isinstance(moment, float):  # an open end (..) has no bound
        return None
    return f"{moment.tm_year:04d}-{moment.tm_mon:02d}-{moment.tm_mday:02d}"


def parse_with_edtf(value: str) -> Interpretation:
    """Interpret a date with the edtf parser alone; widened bounds for approximate dates.

    Winter (season 24) is taken to run from December of its year to the end of February of the
    next, where the edtf package ends it with December.
    """
    try:
        parsed = LEVELS_0_AND_1.parse_string(value, parse_all=True)[0]
    except (ParseBaseException, EDTFParseException, ValueError, TypeError):
        raise DateError(f"{value!r} is not a valid EDTF date (levels 0 and 1)") from None
    latest = _bound(parsed.upper_fuzzy)
    if re.fullmatch(r"\d{4}-" + WINTER, value):
        year = int(value[:4]) + 1
        latest = f"{year:04d}-02-{calendar.monthrange(year, 2)[1]:02d}"
    return Interpretation(_bound(parsed.lower_fuzzy), latest, precision(value))


@lru_cache(maxsize=65536)
def interpret(value: str) -> Interpretation:
    """Interpret an EDTF string; DateError when it is not one."""
    if not value or value != value.strip():
        raise DateError(f"{value!r} is not a valid EDTF date (no spaces around it)")
    match = PLAIN.match(value)
    if match:
        plain = _plain(match)
        if plain is not None:
            return plain
    return parse_with_edtf(value)
