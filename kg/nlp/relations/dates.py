"""Dates as news writes them → ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

Arabic digits (2015年8月6日, 2015 年 8 月, 2015-08-06, 2015.8) and Chinese numerals (二〇一五年,
二〇一五年十二月三日) are read. :func:`find_dates` returns every date in a text with its span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇零○Ｏ一二三四五六七八九"
_CN_SMALL = "〇零一二三四五六七八九十"

_DATE = re.compile(
    r"(?<![\d.])(?P<y>(?:1[5-9]|20)\d\d|[" + _CN + r"]{4})\s*年"
    r"(?:\s*(?P<m>1[0-2]|0?[1-9]|[" + _CN_SMALL + r"]{1,2})\s*月"
    r"(?:\s*(?P<d>3[01]|[12]\d|0?[1-9]|[" + _CN_SMALL + r"]{1,3})\s*[日号])?)?"
    r"|(?<![\d.])(?P<y2>(?:1[5-9]|20)\d\d)[-/.](?P<m2>1[0-2]|0?[1-9])(?:[-/.](?P<d2>3[01]|[12]\d|0?[1-9]))?"
    r"(?![\d.])"
)


@dataclass(frozen=True)
class DateMatch:
    iso: str
    start: int
    end: int


def _small_cn(text: str) -> int | None:
    """一 … 三十一 → 1 … 31."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (_CN_DIGITS.get(tens, 0) if tens else 1) * 10
        return value + (_CN_DIGITS.get(ones, 0) if ones else 0)
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


def _year(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    return None


def to_iso(year: str, month: str | None = None, day: str | None = None) -> str | None:
    y = _year(year)
    if y is None or not 1000 <= y <= 2100:
        return None
    if not month:
        return f"{y:04d}"
    m = _small_cn(month)
    if m is None or not 1 <= m <= 12:
        return f"{y:04d}"
    if not day:
        return f"{y:04d}-{m:02d}"
    d = _small_cn(day)
    if d is None or not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_dates(text: str) -> list[DateMatch]:
    """Every date in ``text`` with its ISO value."""
    out: list[DateMatch] = []
    for match in _DATE.finditer(text):
        if match.group("y"):
            iso = to_iso(match.group("y"), match.group("m"), match.group("d"))
        else:
            iso = to_iso(match.group("y2"), match.group("m2"), match.group("d2"))
        if iso:
            out.append(DateMatch(iso, match.start(), match.end()))
    return out


def parse_date(text: str) -> str | None:
    """The ISO value of the first date in ``text`` (``"2010年3月"`` → ``"2010-03"``)."""
    found = find_dates(text)
    return found[0].iso if found else None
