"""Supervision (督查督办): one watched limit — a petition's acceptance, an assignment's handling, a
review, a mediation, a backlog case's monthly review — or a matter the office takes up by hand, and
the letters it has had.

A limit met closes the watch; a watch still open when a letter falls due gets it, with the facts,
the limit, the reply deadline and the legal basis (A40). The unit's answer to each letter is
recorded; an accountability recommendation needs written feedback within 30 days, saying whether
it was adopted.
"""
from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from supervision.ladder import LETTER_NAMES, LETTERS
from shared.actors import AuditedAggregate
from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand

# What is watched, and what the office may take up by hand (A40: 不依法受理、办理, 推诿、敷衍、拖延,
# 拒不执行处理意见).
LIMITS = ("acceptance", "handling", "review", "re_review", "mediation", "monthly_review")
MANUAL_TRIGGERS = ("non_compliant_handling", "buck_passing", "refusal_to_carry_out", "delay")
KIND_NAMES = {"acceptance": "受理告知期限", "handling": "办理期限", "review": "复查期限", "re_review": "复核期限",
              "mediation": "调解期限", "monthly_review": "包案月度评估", "non_compliant_handling": "不依法办理",
              "buck_passing": "推诿扯皮", "refusal_to_carry_out": "拒不执行处理意见", "delay": "拖延办理"}


def supervision_id_for(kind: str, subject_id: str) -> UUID:
    """One watch per limit of a subject: an event delivered twice opens it once."""
    return uuid5(NAMESPACE_URL, f"xinfang:supervision:{kind}:{subject_id}")


class Supervision(AuditedAggregate):
    @event("Opened")
    def __init__(self, kind: str, subject_id: str, petition_id: UUID | None, unit_id: str, region_code: str,
                 deadline: date, at_risk_on: date, opened_at: datetime, manual: bool, note: str):
        self.kind, self.subject_id, self.petition_id = kind, subject_id, petition_id
        self.unit_id, self.region_code = unit_id, region_code
        self.deadline, self.at_risk_on = deadline, at_risk_on
        self.opened_at, self.manual, self.note = opened_at, manual, note
        self.status = "watching"
        self.letters: dict[str, dict] = {}
        self.closed: dict | None = None

    @classmethod
    def open(cls, *, kind: str, subject_id: str, unit_id: str, region_code: str, deadline: date,
             at_risk_on: date, opened_at: datetime, petition_id: UUID | None = None, note: str = "",
             manual: bool = False) -> Supervision:
        if kind not in LIMITS + MANUAL_TRIGGERS:
            raise InvalidCommand("unknown kind", {"kind": [f"one of {', '.join(LIMITS + MANUAL_TRIGGERS)}"]})
        return cls._create(cls.Opened, id=supervision_id_for(kind, subject_id), kind=kind, subject_id=subject_id,
                           petition_id=petition_id, unit_id=unit_id, region_code=region_code, deadline=deadline,
                           at_risk_on=at_risk_on, opened_at=opened_at, manual=manual, note=note)

    def move_limit(self, deadline: date, at_risk_on: date, unit_id: str | None = None) -> None:
        """An extension, a hearing's days, or a re-routing to another unit."""
        if self.status == "closed":
            return
        if deadline != self.deadline or (unit_id and unit_id != self.unit_id):
            self._limit_moved(deadline=deadline, at_risk_on=at_risk_on, unit_id=unit_id or self.unit_id)

    @event("LimitMoved")
    def _limit_moved(self, deadline: date, at_risk_on: date, unit_id: str) -> None:
        self.deadline, self.at_risk_on, self.unit_id = deadline, at_risk_on, unit_id

    def close(self, reason: str, closed_at: datetime) -> bool:
        if self.status == "closed":
            return False
        self._closed(reason=reason, closed_at=closed_at, on_time=beijing_date(closed_at) <= self.deadline,
                     unit_id=self.unit_id, region_code=self.region_code)
        return True

    @event("Closed")
    def _closed(self, reason: str, closed_at: datetime, on_time: bool, unit_id: str, region_code: str) -> None:
        self.closed = {"reason": reason, "at": closed_at, "on_time": on_time}
        self.status = "closed"

    # -- letters --------------------------------------------------------------------------------
    def issue(self, letter: str, issued_on: date, reply_by: date) -> None:
        if letter not in LETTERS:
            raise InvalidCommand("unknown letter", {"letter": [f"one of {', '.join(LETTERS)}"]})
        if letter in self.letters:
            raise Conflict(f"the {LETTER_NAMES[letter]} has been issued already")
        if self.status == "closed":
            raise Conflict("the supervision is closed")
        self._issued(letter=letter, issued_on=issued_on, reply_by=reply_by, unit_id=self.unit_id,
                     region_code=self.region_code, kind=self.kind, deadline=self.deadline,
                     petition_id=self.petition_id)

    @event("Issued")
    def _issued(self, letter: str, issued_on: date, reply_by: date, unit_id: str, region_code: str, kind: str,
                deadline: date, petition_id: UUID | None) -> None:
        self.letters[letter] = {"issued_on": issued_on, "reply_by": reply_by, "unit_id": unit_id,
                                "deadline": deadline, "response": None}

    def respond(self, letter: str, unit_id: str, text: str, responded_at: datetime,
                adopted: bool | None = None) -> None:
        if letter not in self.letters:
            raise Conflict(f"no {LETTER_NAMES.get(letter, letter)} has been issued")
        issued = self.letters[letter]
        if issued["response"] is not None:
            raise Conflict("the unit has answered this letter already")
        if unit_id != issued["unit_id"]:
            raise Conflict(f"the letter went to {issued['unit_id']}, not {unit_id}")
        errors = {}
        if not text.strip():
            errors["text"] = ["the written answer"]
        if letter == "recommendation" and adopted is None:
            errors["adopted"] = ["the feedback says whether the recommendation was adopted"]
        if errors:
            raise InvalidCommand("the answer is incomplete", errors)
        responded_on = beijing_date(responded_at)
        if responded_on < issued["issued_on"]:
            raise InvalidCommand("an answer cannot precede its letter", {"responded_at": ["before the letter"]})
        self._responded(letter=letter, unit_id=unit_id, text=text.strip(), responded_at=responded_at,
                        on_time=responded_on <= issued["reply_by"], adopted=adopted, region_code=self.region_code)

    @event("Responded")
    def _responded(self, letter: str, unit_id: str, text: str, responded_at: datetime, on_time: bool,
                   adopted: bool | None, region_code: str) -> None:
        self.letters[letter] = {**self.letters[letter], "response": {
            "text": text, "at": responded_at, "on_time": on_time, "adopted": adopted}}
