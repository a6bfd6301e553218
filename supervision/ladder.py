"""The four letters in escalating order (四函递进) [L] and when each falls due.

A limit near its end gets a reminder (提醒函, `at_risk_working_days` before it); a limit passed gets a
warning (预警函); still overdue when the warning's reply deadline has passed, a supervision letter
(督办函); still overdue after that one's, an accountability recommendation (问责建议函), on which the
unit gives written feedback within 30 days (《信访条例》第三十六条). One step per day at most, so
each letter has its own day; letters go out on working days only [L].
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

LETTERS = ("reminder", "warning", "supervision", "recommendation")
LETTER_NAMES = {"reminder": "提醒函", "warning": "预警函", "supervision": "督办函", "recommendation": "问责建议函"}
FEEDBACK_DAYS = 30  # B36


@dataclass(frozen=True)
class LadderPolicy:
    at_risk_working_days: int = 3
    warning_reply_working_days: int = 3
    supervision_reply_working_days: int = 5

    @classmethod
    def from_settings(cls, settings: dict) -> LadderPolicy:
        return cls(**{k: settings[k] for k in ("at_risk_working_days", "warning_reply_working_days",
                                                "supervision_reply_working_days") if k in settings})

    def at_risk_on(self, deadline: date, calendar) -> date:
        """The working day `at_risk_working_days` before the limit's last day."""
        day, left = deadline, self.at_risk_working_days
        while left > 0:
            day -= timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
        return day

    def reply_by(self, letter: str, issued_on: date, deadline: date, calendar) -> date:
        if letter == "reminder":
            return deadline  # the answer to a reminder is meeting the limit
        if letter == "warning":
            return calendar.add_working_days(issued_on, self.warning_reply_working_days)
        if letter == "supervision":
            return calendar.add_working_days(issued_on, self.supervision_reply_working_days)
        return calendar.calendar_deadline(issued_on, FEEDBACK_DAYS)


def letter_due(as_of: date, deadline: date, at_risk_on: date, issued: dict) -> str | None:
    """The one letter to issue on `as_of`, given the letters already issued (kind → {reply_by}).
    Past a warning the ladder goes by the letters' reply deadlines (a manual supervision starts with
    its supervision letter, whatever its correction deadline)."""
    if "recommendation" in issued:
        return None
    if "supervision" in issued:
        return "recommendation" if as_of > issued["supervision"]["reply_by"] else None
    if "warning" in issued:
        return "supervision" if as_of > issued["warning"]["reply_by"] else None
    if as_of > deadline:
        return "warning"
    if as_of >= at_risk_on and "reminder" not in issued:
        return "reminder"
    return None


def next_look(as_of: date, deadline: date, at_risk_on: date, issued: dict) -> date | None:
    """The next day something may fall due, or None when the ladder is at its end."""
    if "recommendation" in issued:
        return None
    if "supervision" in issued:
        return max(as_of, issued["supervision"]["reply_by"]) + timedelta(days=1)
    if "warning" in issued:
        return max(as_of, issued["warning"]["reply_by"]) + timedelta(days=1)
    if as_of < at_risk_on and "reminder" not in issued:
        return at_risk_on
    return max(as_of, deadline) + timedelta(days=1)
