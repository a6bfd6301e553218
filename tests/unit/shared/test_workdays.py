"""Working-day calendar: 2026 National Day, 调休, the rest-day rule, and years the library lacks."""
import json
from datetime import date

import pytest

from shared.workdays import WorkingDayCalendar


@pytest.fixture
def calendar():
    return WorkingDayCalendar()


def test_national_day_2026_is_a_week_off_and_the_adjusted_saturday_is_worked(calendar):
    assert calendar.is_working_day(date(2026, 9, 30))
    for day in range(1, 8):
        assert not calendar.is_working_day(date(2026, 10, day)), f"2026-10-{day:02d} is a holiday"
    assert calendar.is_working_day(date(2026, 10, 8))
    assert calendar.is_working_day(date(2026, 10, 10))  # 调休: Saturday worked
    assert not calendar.is_working_day(date(2026, 10, 11))


def test_one_working_day_after_the_eve_of_national_day_is_after_the_holiday(calendar):
    assert calendar.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert calendar.add_working_days(date(2026, 10, 9), 1) == date(2026, 10, 10)
    assert calendar.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)


def test_a_calendar_limit_ending_on_a_rest_day_runs_to_the_next_working_day(calendar):
    # 15 days from 16 September is 1 October, a holiday: the limit runs to 8 October.
    assert calendar.calendar_deadline(date(2026, 9, 16), 15) == date(2026, 10, 8)
    # 15 days from Friday 6 November is Saturday 21 November: runs to Monday 23rd.
    assert calendar.calendar_deadline(date(2026, 11, 6), 15) == date(2026, 11, 23)
    # landing on a working day changes nothing
    assert calendar.calendar_deadline(date(2026, 11, 2), 15) == date(2026, 11, 17)


def test_a_year_without_a_schedule_counts_weekends_and_fixed_holidays(calendar):
    assert not calendar.is_exact(2027)
    assert calendar.is_exact(2026)
    assert not calendar.is_working_day(date(2027, 1, 1))   # Friday, New Year
    assert not calendar.is_working_day(date(2027, 10, 1))  # Friday, National Day
    assert calendar.is_working_day(date(2027, 10, 4))      # Monday: no lunar/调休 knowledge
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert calendar.calendar_deadline(date(2026, 12, 17), 15) == date(2027, 1, 4)


def test_an_override_file_makes_a_year_exact_and_its_days_win(tmp_path):
    (tmp_path / "2027.json").write_text(json.dumps(
        {"2027": {"holidays": ["2027-10-01", "2027-10-04"], "workdays": ["2027-09-26"]}}),
        encoding="utf-8")
    calendar = WorkingDayCalendar(tmp_path)

    assert calendar.is_exact(2027)
    assert not calendar.is_working_day(date(2027, 10, 4))  # a Monday, listed as holiday
    assert calendar.is_working_day(date(2027, 9, 26))      # a Sunday, listed as workday
    assert calendar.is_working_day(date(2027, 10, 5))      # ordinary Tuesday
    assert not calendar.is_working_day(date(2027, 10, 9))  # ordinary Saturday
    assert calendar.add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 5)
