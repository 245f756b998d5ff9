"""Turn the cells of a pharmacy-software export into numbers, dates, codes and flags.

Spreadsheet readers already give typed values (float, date); CSV gives French text:
`1 234,56`, `1.234,56`, `12,5 €`, `31/12/2025`. Each parser returns the value or raises
`CellError` with a message naming what was found. They sit in the import's inner loop, so
the common case comes first and answers fast.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta

from hospiperf_desktop.plausibility import MAX_MAGNITUDE, check_finite

SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'€")
_DATE_FORMS = re.compile(
    r"^(?:(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})|(\d{4})-(\d{1,2})-(\d{1,2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# "1.500": one dot and three digits after it, no comma. A decimal point (1,5) to English
# software, a thousands separator (1 500) to French software: only the file can tell.
AMBIGUOUS_DOT = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
_DOT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")
# Spreadsheet day numbers (1954-10-03 to 2119-01-10) of a date cell formatted as a number.
_SERIAL_DAYS = (20_000, 80_000)
_EXCEL_EPOCH = date(1899, 12, 30)
_TRUE = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x"})
_FALSE = frozenset({"non", "n", "no", "faux", "false", "0", ""})


class CellError(ValueError):
    """A cell that cannot be read as the field expects; `code` names the kind of problem."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def shown(value: object, limit: int = 40) -> str:
    """A cell as a message quotes it: short, on one line, without control characters."""
    if type(value) is int and abs(value) >= 10**limit:
        return "(a number of many digits)"  # str() of an int past 4,300 digits raises
    text = value.strip() if isinstance(value, str) else str(value)
    cut = "".join("\ufffd" if unicodedata.category(c)[0] == "C" else c for c in text[:limit])
    return cut + ("…" if len(text) > limit else "")


def blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def parse_number(
    value: object, comma_groups_thousands: bool = False, dot_groups_thousands: bool = False
) -> float:
    """A finite number from a typed cell or French/English text with thousands separators.

    A lone comma is a decimal comma (`12,5`), except in files whose cells are separated by
    commas, where `1,000` or `12,345.5` (groups of exactly three digits) group thousands
    (`comma_groups_thousands`); `12,5` stays twelve and a half there too. A lone dot is a
    decimal point (`1.000` is one: software often writes three decimals) unless
    `dot_groups_thousands` says the file groups thousands with dots (`1.500` is 1 500).
    Infinity, NaN and magnitudes past MAX_MAGNITUDE are refused ('too_large').
    """
    if type(value) is float:
        return _finite(value, value)
    if type(value) is int:
        # An int of any size: compare before converting, which would overflow.
        return _finite(float(value) if abs(value) <= MAX_MAGNITUDE else math.inf, value)
    if isinstance(value, str):
        text = value.strip()
        if dot_groups_thousands and _DOT_THOUSANDS.match(text.translate(SPACES)):
            text = text.translate(SPACES).replace(".", "")
        try:
            number = float(text)
        except ValueError:
            if comma_groups_thousands and _COMMA_THOUSANDS.match(text.replace(" ", "")):
                text = text.replace(",", "")
            number = _parse_text_number(text)
        return _finite(number, value)
    if isinstance(value, bool | date):
        raise CellError(f"'{shown(value)}' is not a number", "not_a_number")
    raise CellError(f"'{shown(value)}' is not a number", "not_a_number")


def _finite(number: float, value: object) -> float:
    problem = check_finite(number)
    if problem is None:
        return number
    if problem == "too_large" or isinstance(value, int) or _overflowed(number, value):
        raise CellError(
            f"'{shown(value)}' is too large (more than {MAX_MAGNITUDE:,.0f} in size)", "too_large"
        )
    raise CellError(f"'{shown(value)}' is not a number", "not_a_number")


def _overflowed(number: float, value: object) -> bool:
    """Text of digits too long for a float (`1e400`), rather than the word 'inf' or 'nan'."""
    return math.isinf(number) and isinstance(value, str) and "inf" not in value.lower()


def _parse_text_number(text: str) -> float:
    compact = text.translate(SPACES)
    if "," in compact and "." in compact:
        # The last separator is the decimal one: 1.234,56 or 1,234.56
        if compact.rfind(",") > compact.rfind("."):
            compact = compact.replace(".", "").replace(",", ".")
        else:
            compact = compact.replace(",", "")
    elif compact.count(",") == 1:
        compact = compact.replace(",", ".")
    elif compact.count(",") > 1 or compact.count(".") > 1:
        compact = compact.replace(",", "").replace(".", "")
    try:
        return float(compact)
    except ValueError:
        raise CellError(f"'{shown(text)}' is not a number", "not_a_number") from None


def parse_date(value: object) -> date:
    """A date from a typed cell or `31/12/2025`, `31/12/25`, `31.12.2025`, `2025-12-31`."""
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if type(value) is float or type(value) is int:
        # A date cell the spreadsheet stores as a day number (formatted as a number).
        if _SERIAL_DAYS[0] <= value <= _SERIAL_DAYS[1] and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(
            f"'{shown(value)}' is a number, not a date (expected DD/MM/YYYY)", "not_a_date"
        )
    if isinstance(value, str):
        text = value.strip()
        match = _DATE_FORMS.match(text)
        if match is None:
            raise CellError(f"'{shown(text)}' is not a date (expected DD/MM/YYYY)", "not_a_date")
        day, month, year, iso_year, iso_month, iso_day = match.groups()
        if iso_year:
            y, m, d = int(iso_year), int(iso_month), int(iso_day)
        else:
            y, m, d = int(year), int(month), int(day)
            if len(year) == 2:
                y += 2000
        try:
            return date(y, m, d)
        except ValueError:
            raise CellError(f"'{shown(text)}' is not a real date", "impossible_date") from None
    raise CellError(f"'{shown(value)}' is not a date (expected DD/MM/YYYY)", "not_a_date")


def parse_code(value: object) -> str:
    """A product code as text: 3400930000000.0 read from a spreadsheet becomes '3400930000000'."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if type(value) is float and value.is_integer():
        return str(int(value))
    if type(value) is int:
        return str(value)
    return str(value).strip()


def parse_text(value: object) -> str:
    if value is None:
        return ""
    if type(value) is float and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_flag(value: object) -> bool:
    """Oui/Non, X, 1/0, Vrai/Faux."""
    if isinstance(value, bool):
        return value
    key = parse_text(value).lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"'{shown(value)}' is neither yes nor no", "not_a_flag")
