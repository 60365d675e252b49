"""EDTF dates: validity, earliest and latest possible day, and precision.

The `edtf` package is the parser and defines the bounds: an approximate or uncertain date is
widened by its padding (a year, plus a month for a month, plus a day for a day; twice for `%`).
It is slow (about 7 ms a date, pyparsing), so results are cached by string, and the common forms
are read directly with the same rules: plain ISO dates (YYYY, YYYY-MM, YYYY-MM-DD), seasons
(YYYY-21..24), those dates with a qualifier (~ ? %), and intervals of them. A test checks that both
routes agree on thousands of dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from edtf.parser.edtf_exceptions import EDTFParseException
from edtf.parser.grammar import level0Expression, level1Expression
from pyparsing import ParseBaseException

PLAIN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
QUALIFIED = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)([~?%])$")
SEASONS = {"21": (3, 5), "22": (6, 8), "23": (9, 11), "24": (12, 14)}
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


def _month_end(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _plain(match: re.Match) -> Interpretation | None:
    year, month, day = match.groups()
    y = int(year)
    if month is None:
        return Interpretation(f"{year}-01-01", f"{year}-12-31", "year")
    m = int(month)
    if day is None and month in SEASONS:
        first, last = SEASONS[month]
        end = _month_end(y, last)
        return Interpretation(f"{year}-{first:02d}-01", end.isoformat(), "season")
    if not 1 <= m <= 12:
        return None  # an error: the parser says so
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


def _qualified(match: re.Match) -> Interpretation | None:
    date, qualifier = match.groups()
    plain = _plain(PLAIN.match(date))
    if plain is None or plain.precision == "season":
        return None
    times = 2 if qualifier == "%" else 1
    pad = relativedelta(years=times)
    if plain.precision in ("month", "day"):
        pad += relativedelta(months=times)
    if plain.precision == "day":
        pad += relativedelta(days=times)
    earliest = dt.date.fromisoformat(plain.earliest) - pad
    latest = dt.date.fromisoformat(plain.latest) + pad
    kind = "uncertain" if qualifier == "?" else "approximate"
    return Interpretation(earliest.isoformat(), latest.isoformat(), kind)


def _direct(value: str) -> Interpretation | None:
    """The common forms, read without the parser; None for anything else."""
    match = PLAIN.match(value)
    if match:
        return _plain(match)
    match = QUALIFIED.match(value)
    if match:
        return _qualified(match)
    if value.count("/") == 1:
        start, end = value.split("/")
        lower = _direct(start) if PLAIN.match(start) else None
        upper = _direct(end) if PLAIN.match(end) else None
        if lower and upper and lower.earliest <= upper.latest:
            return Interpretation(lower.earliest, upper.latest, "interval")
    return None


@lru_cache(maxsize=65536)
def interpret(value: str) -> Interpretation:
    """Interpret an EDTF string; DateError when it is not one."""
    if not value or value != value.strip():
        raise DateError(f"{value!r} is not a valid EDTF date (no spaces around it)")
    return _direct(value) or parse_with_edtf(value)
