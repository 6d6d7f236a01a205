"""French number and date formats, and the text normalisation every comparison of job titles relies on."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

NNBSP = "\u202f"  # narrow no-break space: French thousands separator, and before « % »
NBSP = "\u00a0"


def round2(value: float) -> float:
    """Round half up to 2 decimals, as a person reads it (0,745 → 0,75), immune to binary noise.

    The ILO rounded with binary floats, so 0.225 sometimes became 0.22 and sometimes 0.23 depending on the summation
    order; we settle exact halves upwards, which is what the published bands and categories mean.
    """
    return float(Decimal(repr(round(value, 9))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def format_number(value: float | int | None, decimals: int = 0, *, sep: str = NNBSP) -> str:
    """`1234.5` → `1 234,5` (narrow no-break space between thousands, decimal comma)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals) if decimals else Decimal(1)
    number = Decimal(repr(round(float(value), decimals + 6))).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    digits = f"{abs(number):f}"
    whole, _, fraction = digits.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = sep.join(groups)
    if decimals:
        text += "," + fraction
    if text.strip("0,") == "" and sign:
        sign = ""
    return sign + text


def format_score(value: float | None) -> str:
    """A score with 2 decimals, French style: `0,63`."""
    return "" if value is None else format_number(round2(value), 2)


def format_fte(value: float | None) -> str:
    """FTE with at most 2 decimals and no trailing zeros: `12,5`, `3`, `0,8`."""
    if value is None:
        return ""
    text = format_number(value, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_percent(share: float | None, decimals: int = 0) -> str:
    """`0.384` → `38 %` (narrow no-break space before the sign)."""
    if share is None:
        return ""
    return f"{format_number(share * 100, decimals)}{NNBSP}%"


def format_date(value: date | datetime | str | None) -> str:
    """`2026-11-21` → `21/11/2026`; an ISO string is accepted too."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | str | None) -> str:
    """`21/11/2026 à 14:05`."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.strftime("%d/%m/%Y à %H:%M")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`1 agent`, `2 agents`, `1 234 agents` (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)  # a staffing table repeats its titles: fold each once (same result, ≈ 20× faster)
def fold(text: str) -> str:
    """Case- and accent-free form, punctuation collapsed to single spaces: `Agt d'entretien` → `agt d entretien`.

    This is the key under which job titles are stored and compared; keep it stable (project files rely on it).
    """
    text = strip_accents(text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")).casefold()
    return _NON_ALNUM.sub(" ", text).strip()
