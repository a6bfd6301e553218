"""Chinese working-day calendar (工作日): public holidays and adjusted working days (调休).

chinese-calendar knows the State Council's schedules up to the year it was released. A bureau adds
later years to an override file as soon as the schedule is published; until then a year is counted
with weekends and the fixed-date statutory holidays only, and `is_exact(year)` says so, so that a
deadline is never refused for want of a calendar.
"""
from __future__ import annotations

import json
import logging
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

log = logging.getLogger(__name__)

DEFAULT_OVERRIDES = Path(__file__).with_name("calendar_overrides")

# Holidays fixed on the solar calendar by the 2024 national holiday regulation; the lunar ones
# (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) and the 调休 swaps come only from a schedule.
FIXED_SOLAR_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


class WorkingDayCalendar:
    def __init__(self, overrides_dir: Path | str | None = DEFAULT_OVERRIDES):
        self._holidays: dict[int, set[date]] = {}
        self._workdays: dict[int, set[date]] = {}
        self._warned: set[int] = set()
        if overrides_dir:
            for path in sorted(Path(overrides_dir).glob("*.json")):
                self.load_override(path)

    def load_override(self, path: Path | str) -> None:
        """A file like {"2027": {"holidays": ["2027-01-01", …], "workdays": ["2027-02-20", …]}}."""
        for year, days in json.loads(Path(path).read_text(encoding="utf-8")).items():
            self._holidays[int(year)] = {date.fromisoformat(d) for d in days.get("holidays", [])}
            self._workdays[int(year)] = {date.fromisoformat(d) for d in days.get("workdays", [])}

    def is_exact(self, year: int) -> bool:
        """True when the year's official schedule is known (library or override file)."""
        return year in self._holidays or _library_knows(year)

    def is_working_day(self, day: date) -> bool:
        if day.year in self._holidays:
            if day in self._workdays[day.year]:
                return True
            return day.weekday() < 5 and day not in self._holidays[day.year]
        if _library_knows(day.year):
            return chinese_calendar.is_workday(day)
        if day.year not in self._warned:
            self._warned.add(day.year)
            log.warning("no holiday schedule for %s: counting weekends and fixed-date holidays only; "
                        "add the year to the calendar override file", day.year)
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_SOLAR_HOLIDAYS

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (start itself not counted)."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def first_working_day_from(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def calendar_deadline(self, start: date, days: int) -> date:
        """A limit of `days` calendar days from `start`; when its last day is a rest day the limit
        runs to the next working day (期间届满的最后一日是法定休假日的，以休假日后的第一日为期满日)."""
        return self.first_working_day_from(start + timedelta(days=days))


def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def configured_calendar(overrides_dir: str | None) -> WorkingDayCalendar:
    """The calendar a service uses: the operator's override folder, else the one shipped here."""
    return WorkingDayCalendar(overrides_dir or DEFAULT_OVERRIDES)
