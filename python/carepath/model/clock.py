"""Calendar time in scenarios: durations such as ``"52 weeks"``, times of day, weekdays."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

TimeUnit = Literal["minutes", "hours", "days"]
UNIT_HOURS: dict[str, float] = {"minutes": 1 / 60, "hours": 1.0, "days": 24.0}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_PER_WEEK = 168.0

_UNIT_WORDS = {
    "minute": 1 / 60,
    "min": 1 / 60,
    "hour": 1.0,
    "hr": 1.0,
    "h": 1.0,
    "day": 24.0,
    "d": 24.0,
    "week": 168.0,
    "w": 168.0,
}
_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([a-z]+)\s*$")
_TIME_OF_DAY = re.compile(r"^([01]?[0-9]|2[0-4]):([0-5][0-9])$")


def duration_hours(text: str) -> float:
    """Hours in a duration such as ``"52 weeks"``, ``"90 minutes"`` or ``"2.5 days"``.

    Raises
    ------
    ValueError
        If ``text`` is not a number followed by minutes, hours, days or weeks.
    """
    match = _DURATION.match(text.lower())
    word = match.group(2) if match else ""
    singular = word[:-1] if word.endswith("s") and word[:-1] in _UNIT_WORDS else word
    if not match or singular not in _UNIT_WORDS:
        raise ValueError(
            f"{text!r} is not a duration; write a number and a unit, e.g. '52 weeks', "
            "'3 days', '8 hours' or '90 minutes'"
        )
    return float(match.group(1)) * _UNIT_WORDS[singular]


def to_time_units(value: float | str, time_unit: str) -> float:
    """A number (already in ``time_unit``) or a duration string, in ``time_unit``."""
    if isinstance(value, str):
        return duration_hours(value) / UNIT_HOURS[time_unit]
    return float(value)


def to_days(value: float | str) -> float:
    """A number of days or a duration string, in days."""
    if isinstance(value, str):
        return duration_hours(value) / 24.0
    return float(value)


def time_of_day_hours(text: str) -> float:
    """``"08:30"`` as 8.5 hours after midnight (``"24:00"`` is the end of the day)."""
    match = _TIME_OF_DAY.match(text.strip()) if isinstance(text, str) else None
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise ValueError(f"{text!r} is not a time of day; write HH:MM, e.g. '08:30'")
    return int(match.group(1)) + int(match.group(2)) / 60


def _duration_or_number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"must be a number or a duration such as '52 weeks', got {value!r}")
    if isinstance(value, str):
        duration_hours(value)  # raises with the message users see
    return value


def _time_of_day(value: Any) -> Any:
    time_of_day_hours(value)
    return value


def _weekdays(value: Any) -> Any:
    days = [value] if isinstance(value, str) else value
    if not isinstance(days, list) or not days:
        raise ValueError("must be a weekday or a list of them (mon, tue, ..., sun)")
    expanded: list[str] = []
    for day in days:
        text = str(day).lower()
        if text in ("weekdays", "every day", "daily"):
            expanded += WEEKDAYS[:5] if text == "weekdays" else WEEKDAYS
        elif text in WEEKDAYS:
            expanded.append(text)
        else:
            raise ValueError(
                f"{day!r} is not a weekday; use mon, tue, wed, thu, fri, sat, sun, "
                "weekdays or daily"
            )
    return list(dict.fromkeys(expanded))


Duration = Annotated[float | str, BeforeValidator(_duration_or_number)]
TimeOfDay = Annotated[str, BeforeValidator(_time_of_day)]
_DAY_NAMES = Literal[
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekdays", "daily", "every day"
]
Weekdays = Annotated[
    list[str], BeforeValidator(_weekdays, json_schema_input_type=_DAY_NAMES | list[_DAY_NAMES])
]


def label(value: float | str) -> str:
    """A threshold as it appears in a metric name: ``"18 weeks"`` -> ``18_weeks``."""
    text = value if isinstance(value, str) else f"{value:g}"
    return re.sub(r"[^A-Za-z0-9.]+", "_", text.strip())
