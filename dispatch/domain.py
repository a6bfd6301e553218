"""Assignment (交办件): an accepted petition handed to the unit that must handle it.

Time limits: the unit signs for it within 1 working day [L]; handles and replies within 60 days of
acceptance, extendable once by at most 30 days with the reason told to the petitioner (A34); the
petitioner rates the reply within 30 days [L], after which it is expired unrated.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from dispatch import joint_handling
from dispatch.opinion import check_reply
from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand
from shared.workdays import WorkingDayCalendar

SIGN_LIMIT_WORKING_DAYS = 1
HANDLING_LIMIT_DAYS = 60
MAX_EXTENSION_DAYS = 30
EVALUATION_WINDOW_DAYS = 30
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")


class WrongUnit(Conflict):
    pass


class NotSigned(Conflict):
    pass


class AlreadyDone(Conflict):
    pass


class Assignment(Aggregate):
    @event("Created")
    def __init__(self, petition_id: UUID, unit_id: str, region_code: str, category: str,
                 matter_type: str, accepted_at: datetime, sign_deadline: date,
                 handling_deadline: date):
        self.petition_id = petition_id
        self.unit_id = unit_id
        self.region_code = region_code
        self.category = category
        self.matter_type = matter_type
        self.accepted_at = accepted_at
        self.sign_deadline = sign_deadline
        self.handling_deadline = handling_deadline
        self.status = "assigned"
        self.extension: dict | None = None
        self.reply: dict | None = None
        self.rating: str | None = None
        self.evaluation_deadline: date | None = None
        self.joint: dict[str, dict] = {}

    @classmethod
    def assign(cls, assignment_id: UUID, *, petition_id: UUID, unit_id: str, region_code: str,
               category: str, matter_type: str, accepted_at: datetime,
               calendar: WorkingDayCalendar) -> Assignment:
        accepted_on = beijing_date(accepted_at)
        return cls._create(
            cls.Created, id=assignment_id, petition_id=petition_id, unit_id=unit_id,
            region_code=region_code, category=category, matter_type=matter_type,
            accepted_at=accepted_at,
            sign_deadline=calendar.add_working_days(accepted_on, SIGN_LIMIT_WORKING_DAYS),
            handling_deadline=calendar.calendar_deadline(accepted_on, HANDLING_LIMIT_DAYS))

    # -- 签收 -------------------------------------------------------------------------------
    def sign(self, unit_id: str, signed_at: datetime) -> None:
        if unit_id != self.unit_id:
            raise WrongUnit(f"this matter is assigned to unit {self.unit_id}, not {unit_id}")
        if self.status != "assigned":
            raise AlreadyDone("the assignment has already been signed for")
        self._signed(unit_id=unit_id, signed_at=signed_at,
                     on_time=beijing_date(signed_at) <= self.sign_deadline)

    @event("Signed")
    def _signed(self, unit_id: str, signed_at: datetime, on_time: bool) -> None:
        self.status = "signed"

    # -- 延期 -------------------------------------------------------------------------------
    def extend(self, days: int, reason: str, approved_by: str, extended_at: datetime,
               calendar: WorkingDayCalendar) -> None:
        if self.extension is not None:
            raise AlreadyDone("the handling limit has already been extended once")
        if self.status not in ("assigned", "signed"):
            raise AlreadyDone("only a matter still being handled can be extended")
        errors = {}
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            errors["days"] = [f"between 1 and {MAX_EXTENSION_DAYS}"]
        if not reason.strip():
            errors["reason"] = ["the reason is told to the petitioner and is required"]
        if not approved_by.strip():
            errors["approved_by"] = ["an extension needs approval"]
        if errors:
            raise InvalidCommand("the extension is not valid", errors)
        # 60 + n calendar days from acceptance, the rest-day rule applied once, at the new end.
        self._extended(days=days, reason=reason.strip(), approved_by=approved_by.strip(),
                       extended_at=extended_at, handling_deadline=calendar.calendar_deadline(
                           beijing_date(self.accepted_at), HANDLING_LIMIT_DAYS + days))

    @event("Extended")
    def _extended(self, days: int, reason: str, approved_by: str, extended_at: datetime,
                  handling_deadline: date) -> None:
        self.extension = {"days": days, "reason": reason, "approved_by": approved_by}
        self.handling_deadline = handling_deadline

    # -- 联合办理 ----------------------------------------------------------------------------
    def request_joint_handling(self, agencies: list[str], requested_at: datetime) -> None:
        if self.status not in ("assigned", "signed"):
            raise AlreadyDone("joint handling can be requested only while the matter is handled")
        new = joint_handling.check_request(agencies, self.joint)
        self._joint_handling_requested(agencies=new, requested_at=requested_at, petition_id=self.petition_id,
                                       region_code=self.region_code, category=self.category)

    @event("JointHandlingRequested")
    def _joint_handling_requested(self, agencies: list[str], requested_at: datetime, petition_id: UUID,
                                  region_code: str, category: str) -> None:
        self.joint.update(joint_handling.requested(agencies, requested_at))

    def record_joint_report(self, agency: str, result: str, reported_at: datetime) -> None:
        if joint_handling.check_report(agency, self.joint):
            self._joint_report_recorded(agency=agency, result=result, reported_at=reported_at)

    @event("JointReportRecorded")
    def _joint_report_recorded(self, agency: str, result: str, reported_at: datetime) -> None:
        self.joint[agency]["report"] = {"result": result, "reported_at": reported_at}

    def waive_joint_report(self, agency: str, reason: str, by: str, waived_at: datetime) -> None:
        joint_handling.check_waiver(agency, reason, by, self.joint)
        self._joint_report_waived(agency=agency, reason=reason.strip(), by=by.strip(), waived_at=waived_at)

    @event("JointReportWaived")
    def _joint_report_waived(self, agency: str, reason: str, by: str, waived_at: datetime) -> None:
        self.joint[agency]["waiver"] = {"reason": reason, "by": by, "waived_at": waived_at}

    # -- 答复 -------------------------------------------------------------------------------
    def give_reply(self, outcome: str, opinion: dict, signatures: list[dict], replied_at: datetime) -> None:
        if self.status == "assigned":
            raise NotSigned("the unit must sign for the matter before replying")
        if self.status != "signed":
            raise AlreadyDone("the matter has already been replied to")
        joint_handling.check_reply_allowed(self.joint)
        check_reply(outcome, opinion, signatures)
        replied_on = beijing_date(replied_at)
        self._replied(outcome=outcome, opinion=dict(opinion), signatures=list(signatures),
                      replied_at=replied_at, on_time=replied_on <= self.handling_deadline,
                      evaluation_deadline=replied_on + timedelta(days=EVALUATION_WINDOW_DAYS),
                      petition_id=self.petition_id)

    @event("Replied")
    def _replied(self, outcome: str, opinion: dict, signatures: list, replied_at: datetime,
                 on_time: bool, evaluation_deadline: date, petition_id: UUID) -> None:
        # petition_id rides along so intake can mirror the progress without an index of its own.
        self.reply = {"outcome": outcome, "opinion": opinion, "signatures": signatures,
                      "replied_at": replied_at, "on_time": on_time}
        self.evaluation_deadline = evaluation_deadline
        self.status = "replied"

    # -- 满意度评价 ---------------------------------------------------------------------------
    def evaluate(self, rating: str, rated_at: datetime) -> None:
        if rating not in RATINGS:
            raise InvalidCommand("unknown rating", {"rating": [f"one of {', '.join(RATINGS)}"]})
        if self.status in ("assigned", "signed"):
            raise Conflict("the matter has not been replied to yet")
        if self.rating is not None:
            raise AlreadyDone("the petitioner has already rated this reply")
        if beijing_date(rated_at) > self.evaluation_deadline:
            raise Conflict(f"the rating window closed on {self.evaluation_deadline.isoformat()}")
        self._evaluated(rating=rating, rated_at=rated_at, petition_id=self.petition_id)

    @event("Evaluated")
    def _evaluated(self, rating: str, rated_at: datetime, petition_id: UUID) -> None:
        self.rating = rating
        self.status = "evaluated"
