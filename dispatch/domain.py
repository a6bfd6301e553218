"""Assignment (交办件): an accepted petition handed to the unit that must handle it.

Time limits: dispatched within 15 days of registration (A22); the unit signs for it within 1 working
day [L] and may object to a wrong dispatch within 5 working days with its reasons (A23); it handles
and replies within 60 days of acceptance (A34) — or, under the local simple procedure, within 5
working days [L] — extendable once by at most 30 days with the reason told to the petitioner. The
bureau pre-reviews the reply before it goes out [L]; the petitioner rates it within the window [L];
review and re-review follow (A35, A36: see dispatch.review).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from dispatch import joint_handling, review
from dispatch.opinion import check_reply
from dispatch.policy import (HANDLING_LIMIT_DAYS, ORDINARY_SIGN_WORKING_DAYS, SIMPLE_REPLY_WORKING_DAYS,
                             SIMPLE_SIGN_WORKING_DAYS, HandlingPolicy)
from shared.actors import AuditedAggregate
from shared.ratings import RATINGS
from shared.clock import beijing_date
from shared.errors import Conflict, InvalidCommand
from shared.mediation_layers import LAYERS as MEDIATION_LAYERS
from shared.workdays import WorkingDayCalendar

MAX_EXTENSION_DAYS = 30
OBJECTION_WORKING_DAYS = 5
MODES = ("assignment", "transfer")  # 交办 (the bureau follows it up), 转送 (handed over)
HANDLING = ("assigned", "signed")  # the unit holds it and no reply has gone out
REPLIED = ("replied", "evaluated", "unrated_expired")


class WrongUnit(Conflict):
    pass


class NotSigned(Conflict):
    pass


class AlreadyDone(Conflict):
    pass


class Assignment(AuditedAggregate):
    @event("Created")
    def __init__(self, petition_id: UUID, unit_id: str, region_code: str, category: str,
                 matter_type: str, accepted_at: datetime, sign_deadline: date,
                 handling_deadline: date, mode: str = "assignment", procedure: str = "ordinary",
                 pre_review: bool = False, evaluation_window_days: int = 30,
                 accused_unit: str | None = None, dispatch_deadline: date | None = None,
                 objection_deadline: date | None = None):
        self.petition_id = petition_id
        self.unit_id = unit_id
        self.region_code = region_code
        self.category = category
        self.matter_type = matter_type
        self.accepted_at = accepted_at
        self.sign_deadline = sign_deadline
        self.handling_deadline = handling_deadline
        self.mode = mode
        self.procedure = procedure
        self.pre_review = pre_review
        self.evaluation_window_days = evaluation_window_days
        self.accused_unit = accused_unit
        self.dispatch_deadline = dispatch_deadline
        self.objection_deadline = objection_deadline
        self.status = "assigned"
        self.objection: dict | None = None
        self.moves: list[dict] = []
        self.co_units: dict[str, dict] = {}
        self.extension: dict | None = None
        self.draft: dict | None = None
        self.pre_reviews: list[dict] = []
        self.reply: dict | None = None
        self.rating: str | None = None
        self.evaluation_deadline: date | None = None
        self.reviews: dict[str, dict] = {}
        self.joint: dict[str, dict] = {}
        self.mediation: dict | None = None

    @classmethod
    def assign(cls, assignment_id: UUID, *, petition_id: UUID, unit_id: str, region_code: str,
               category: str, matter_type: str, accepted_at: datetime, calendar: WorkingDayCalendar,
               policy: HandlingPolicy | None = None, mode: str = "assignment",
               accused_unit: str | None = None, dispatch_deadline: date | None = None) -> Assignment:
        policy = policy or HandlingPolicy()
        if mode not in MODES:
            raise InvalidCommand("unknown dispatch mode", {"mode": [f"one of {', '.join(MODES)}"]})
        if unit_id == accused_unit:
            raise Conflict("a matter is never routed to the unit it accuses (A30)")
        accepted_on = beijing_date(accepted_at)
        procedure = policy.procedure(category)
        if procedure == "simple":
            sign_deadline = calendar.add_working_days(accepted_on, SIMPLE_SIGN_WORKING_DAYS)
            handling_deadline = calendar.add_working_days(accepted_on, SIMPLE_REPLY_WORKING_DAYS)
        else:
            sign_deadline = calendar.add_working_days(accepted_on, ORDINARY_SIGN_WORKING_DAYS)
            handling_deadline = calendar.calendar_deadline(accepted_on, HANDLING_LIMIT_DAYS)
        return cls._create(
            cls.Created, id=assignment_id, petition_id=petition_id, unit_id=unit_id,
            region_code=region_code, category=category, matter_type=matter_type, accepted_at=accepted_at,
            sign_deadline=sign_deadline, handling_deadline=handling_deadline, mode=mode, procedure=procedure,
            pre_review=policy.pre_review, evaluation_window_days=policy.evaluation_window_days,
            accused_unit=accused_unit, dispatch_deadline=dispatch_deadline,
            objection_deadline=calendar.add_working_days(accepted_on, OBJECTION_WORKING_DAYS))

    @property
    def dispatched_on_time(self) -> bool | None:
        if self.dispatch_deadline is None:
            return None
        return beijing_date(self.accepted_at) <= self.dispatch_deadline

    def can_be_seen_by(self, unit_id: str | None) -> bool:
        """A unit sees the matters it handles: as lead or co-handling unit, or as the body deciding a
        review. The unit an accusation accuses never sees it (A30). `None`: the bureau, which sees all."""
        if unit_id is None:
            return True
        if unit_id == self.accused_unit:
            return False
        reviewers = {r.get("reviewer_unit") for r in self.reviews.values()}
        return unit_id == self.unit_id or unit_id in self.co_units or unit_id in reviewers

    # -- 签收 -------------------------------------------------------------------------------
    def sign(self, unit_id: str, signed_at: datetime) -> None:
        if unit_id != self.unit_id:
            raise WrongUnit(f"this matter is assigned to unit {self.unit_id}, not {unit_id}")
        if self.status != "assigned":
            raise AlreadyDone("the assignment has already been signed for" if self.status != "objected"
                              else "the unit's objection to the dispatch is awaiting the bureau's decision")
        self._signed(unit_id=unit_id, signed_at=signed_at, petition_id=self.petition_id,
                     on_time=beijing_date(signed_at) <= self.sign_deadline)

    @event("Signed")
    def _signed(self, unit_id: str, signed_at: datetime, on_time: bool, petition_id: UUID | None = None) -> None:
        self.status = "signed"

    # -- 异议 (A23: a wrong dispatch, within 5 working days, with reasons) ---------------------
    def object_to_dispatch(self, unit_id: str, reasons: str, proposed_unit: str | None,
                           objected_at: datetime) -> None:
        if unit_id != self.unit_id:
            raise WrongUnit(f"only the unit it is assigned to ({self.unit_id}) can object")
        if self.status not in HANDLING:
            raise AlreadyDone("an objection is possible only while the unit holds the matter, before replying")
        if beijing_date(objected_at) > self.objection_deadline:
            raise Conflict(f"the 5 working days to object ended on {self.objection_deadline.isoformat()} (A23)")
        if not reasons.strip():
            raise InvalidCommand("an objection gives its reasons", {"reasons": ["required (A23)"]})
        self._objected(unit_id=unit_id, reasons=reasons.strip(), proposed_unit=proposed_unit,
                       objected_at=objected_at, status_before=self.status)

    @event("Objected")
    def _objected(self, unit_id: str, reasons: str, proposed_unit: str | None, objected_at: datetime,
                  status_before: str) -> None:
        self.objection = {"unit_id": unit_id, "reasons": reasons, "proposed_unit": proposed_unit,
                          "objected_at": objected_at, "status_before": status_before}
        self.status = "objected"

    def decide_objection(self, upheld: bool, new_unit: str | None, comment: str, decided_at: datetime,
                         calendar: WorkingDayCalendar, known_unit) -> None:
        """The bureau upholds the objection and moves the matter (re-routing), or rejects it and the
        unit keeps it. `known_unit` tells whether a unit id is in the reference data."""
        if self.status != "objected":
            raise Conflict("there is no objection awaiting a decision")
        if not comment.strip():
            raise InvalidCommand("the decision needs a comment", {"comment": ["required"]})
        if not upheld:
            self._objection_rejected(comment=comment.strip(), decided_at=decided_at,
                                     status=self.objection["status_before"])
            return
        if not new_unit or not known_unit(new_unit):
            raise InvalidCommand("an upheld objection names the unit it moves to", {"unit": ["a known unit id"]})
        if new_unit in (self.unit_id, self.accused_unit):
            raise Conflict("the matter cannot move to the unit that objected, nor to the unit it accuses")
        on = beijing_date(decided_at)
        self._rerouted(from_unit=self.unit_id, to_unit=new_unit, comment=comment.strip(), rerouted_at=decided_at,
                       sign_deadline=calendar.add_working_days(on, ORDINARY_SIGN_WORKING_DAYS),
                       objection_deadline=calendar.add_working_days(on, OBJECTION_WORKING_DAYS),
                       petition_id=self.petition_id)

    @event("ObjectionRejected")
    def _objection_rejected(self, comment: str, decided_at: datetime, status: str) -> None:
        self.objection = {**self.objection, "rejected": comment}
        self.status = status

    @event("Rerouted")
    def _rerouted(self, from_unit: str, to_unit: str, comment: str, rerouted_at: datetime,
                  sign_deadline: date, objection_deadline: date, petition_id: UUID) -> None:
        self.moves.append({"from": from_unit, "to": to_unit, "comment": comment, "at": rerouted_at})
        self.unit_id = to_unit
        self.sign_deadline = sign_deadline
        self.objection_deadline = objection_deadline
        self.objection = None
        self.co_units.pop(to_unit, None)
        self.status = "assigned"

    # -- 主办、协办 (lead unit and co-handling units) ------------------------------------------
    def add_co_units(self, units: list[str], added_at: datetime, known_unit) -> None:
        if self.reply is not None or self.status == "pre_review":
            raise AlreadyDone("co-handling units can be added only before the reply")
        unknown = [u for u in units if not known_unit(u)]
        if not units or unknown:
            raise InvalidCommand("unknown units", {"units": [f"not known units: {', '.join(unknown)}" if unknown
                                                            else "at least one unit"]})
        if self.unit_id in units or (self.accused_unit and self.accused_unit in units):
            raise Conflict("the lead unit and the accused unit cannot be co-handling units")
        new = [u for u in dict.fromkeys(units) if u not in self.co_units]
        if not new:
            raise Conflict("these units already co-handle the matter")
        self._co_units_added(units=new, added_at=added_at)

    @event("CoUnitsAdded")
    def _co_units_added(self, units: list[str], added_at: datetime) -> None:
        for unit in units:
            self.co_units[unit] = {"added_at": added_at, "opinion": None}

    def give_co_opinion(self, unit_id: str, opinion: str, given_at: datetime) -> None:
        if unit_id not in self.co_units:
            raise WrongUnit(f"{unit_id} does not co-handle this matter")
        if self.reply is not None:
            raise AlreadyDone("the reply has gone out")
        if not opinion.strip():
            raise InvalidCommand("the opinion is empty", {"opinion": ["required"]})
        self._co_opinion_given(unit_id=unit_id, opinion=opinion.strip(), given_at=given_at)

    @event("CoOpinionGiven")
    def _co_opinion_given(self, unit_id: str, opinion: str, given_at: datetime) -> None:
        self.co_units[unit_id] = {**self.co_units[unit_id], "opinion": opinion, "given_at": given_at}

    # -- 延期 -------------------------------------------------------------------------------
    def extend(self, days: int, reason: str, approved_by: str, extended_at: datetime,
               calendar: WorkingDayCalendar) -> None:
        if self.extension is not None:
            raise AlreadyDone("the handling limit has already been extended once")
        if self.status not in HANDLING:
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
        accepted_on = beijing_date(self.accepted_at)
        if self.procedure == "simple":
            base = calendar.add_working_days(accepted_on, SIMPLE_REPLY_WORKING_DAYS)
            deadline = calendar.calendar_deadline(base, days)
        else:
            # 60 + n calendar days from acceptance, the rest-day rule applied once, at the new end.
            deadline = calendar.calendar_deadline(accepted_on, HANDLING_LIMIT_DAYS + days)
        self._extended(days=days, reason=reason.strip(), approved_by=approved_by.strip(),
                       extended_at=extended_at, handling_deadline=deadline, petition_id=self.petition_id)

    @event("Extended")
    def _extended(self, days: int, reason: str, approved_by: str, extended_at: datetime,
                  handling_deadline: date, petition_id: UUID | None = None) -> None:
        self.extension = {"days": days, "reason": reason, "approved_by": approved_by, "extended_at": extended_at}
        self.handling_deadline = handling_deadline

    # -- 调解 (the handling unit asks for mediation; the mediation service opens it) ------------
    def request_mediation(self, layer: str, reason: str, requested_at: datetime) -> None:
        if self.status not in HANDLING:
            raise AlreadyDone("mediation can be asked for only while the matter is handled")
        if self.mediation is not None:
            raise AlreadyDone("mediation has already been asked for")
        errors = {}
        if layer not in MEDIATION_LAYERS:
            errors["layer"] = [f"one of {', '.join(MEDIATION_LAYERS)}"]
        if not reason.strip():
            errors["reason"] = ["required"]
        if errors:
            raise InvalidCommand("the request for mediation is not valid", errors)
        self._mediation_requested(layer=layer, reason=reason.strip(), requested_at=requested_at,
                                  petition_id=self.petition_id, region_code=self.region_code, category=self.category)

    @event("MediationRequested")
    def _mediation_requested(self, layer: str, reason: str, requested_at: datetime, petition_id: UUID,
                             region_code: str, category: str) -> None:
        self.mediation = {"layer": layer, "reason": reason, "requested_at": requested_at}

    # -- 联合办理 ----------------------------------------------------------------------------
    def request_joint_handling(self, agencies: list[str], requested_at: datetime) -> None:
        if self.status not in HANDLING:
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

    # -- 答复, 答复预审 -----------------------------------------------------------------------
    def give_reply(self, outcome: str, opinion: dict, signatures: list[dict], replied_at: datetime) -> None:
        """The unit's reply. Where the bureau pre-reviews replies it waits as a draft; otherwise it
        goes out at once."""
        if self.status == "assigned":
            raise NotSigned("the unit must sign for the matter before replying")
        if self.status == "pre_review":
            raise AlreadyDone("the reply is waiting for the bureau's pre-review")
        if self.status != "signed":
            raise AlreadyDone("the matter has already been replied to" if self.reply
                              else f"the matter is {self.status}; it cannot be replied to now")
        joint_handling.check_reply_allowed(self.joint)
        check_reply(outcome, opinion, signatures)
        if self.pre_review:
            self._reply_drafted(outcome=outcome, opinion=dict(opinion), signatures=list(signatures),
                                drafted_at=replied_at)
        else:
            self._send_reply(outcome, dict(opinion), list(signatures), replied_at)

    @event("ReplyDrafted")
    def _reply_drafted(self, outcome: str, opinion: dict, signatures: list, drafted_at: datetime) -> None:
        self.draft = {"outcome": outcome, "opinion": opinion, "signatures": signatures, "drafted_at": drafted_at}
        self.status = "pre_review"

    def decide_pre_review(self, approved: bool, comments: str, decided_at: datetime) -> None:
        if self.status != "pre_review":
            raise Conflict("no reply is waiting for pre-review")
        if not approved and not comments.strip():
            raise InvalidCommand("a rejected reply goes back with comments", {"comments": ["required when rejecting"]})
        if beijing_date(decided_at) < beijing_date(self.draft["drafted_at"]):
            raise InvalidCommand("the pre-review cannot precede the draft", {"decided_at": ["before the draft"]})
        self._pre_reviewed(approved=approved, comments=comments.strip(), decided_at=decided_at)
        if approved:
            d = self.draft
            self._send_reply(d["outcome"], d["opinion"], d["signatures"], decided_at)

    @event("PreReviewed")
    def _pre_reviewed(self, approved: bool, comments: str, decided_at: datetime) -> None:
        self.pre_reviews.append({"approved": approved, "comments": comments, "decided_at": decided_at})
        if not approved:
            self.draft = None
            self.status = "signed"

    def _send_reply(self, outcome: str, opinion: dict, signatures: list, replied_at: datetime) -> None:
        replied_on = beijing_date(replied_at)
        self._replied(outcome=outcome, opinion=opinion, signatures=signatures,
                      replied_at=replied_at, on_time=replied_on <= self.handling_deadline,
                      evaluation_deadline=replied_on + timedelta(days=self.evaluation_window_days),
                      petition_id=self.petition_id)

    @event("Replied")
    def _replied(self, outcome: str, opinion: dict, signatures: list, replied_at: datetime,
                 on_time: bool, evaluation_deadline: date, petition_id: UUID) -> None:
        # petition_id rides along so intake can mirror the progress without an index of its own.
        self.reply = {"outcome": outcome, "opinion": opinion, "signatures": signatures,
                      "replied_at": replied_at, "on_time": on_time}
        self.draft = None
        self.evaluation_deadline = evaluation_deadline
        self.status = "replied"

    # -- 满意度评价 ---------------------------------------------------------------------------
    def evaluate(self, rating: str, rated_at: datetime) -> None:
        if rating not in RATINGS:
            raise InvalidCommand("unknown rating", {"rating": [f"one of {', '.join(RATINGS)}"]})
        refusal = self._rating_refused(beijing_date(rated_at))
        if refusal:
            raise refusal
        self._evaluated(rating=rating, rated_at=rated_at, petition_id=self.petition_id)

    def may_rate(self, on: date) -> bool:
        """Whether the petitioner can still rate the reply on that day (what the self-service page offers)."""
        return self._rating_refused(on) is None

    def _rating_refused(self, on: date) -> Conflict | None:
        if self.reply is None:
            return Conflict("the matter has not been replied to yet")
        if self.rating is not None:
            return AlreadyDone("the petitioner has already rated this reply")
        if self.status != "replied" and self.status != "unrated_expired":
            return Conflict("a review has been asked for: the reply is no longer rated")
        if self.status != "replied" or on > self.evaluation_deadline:
            return Conflict(f"the rating window closed on {self.evaluation_deadline.isoformat()}")
        return None

    @event("Evaluated")
    def _evaluated(self, rating: str, rated_at: datetime, petition_id: UUID) -> None:
        self.rating = rating
        self.status = "evaluated"

    def expire_evaluation(self, as_of: date) -> bool:
        """Records 超期未评价 once the window has passed unrated; False when there is nothing to do."""
        if self.status != "replied" or as_of <= self.evaluation_deadline:
            return False
        self._evaluation_expired(as_of=as_of, evaluation_deadline=self.evaluation_deadline,
                                 petition_id=self.petition_id)
        return True

    @event("EvaluationExpired")
    def _evaluation_expired(self, as_of: date, evaluation_deadline: date, petition_id: UUID) -> None:
        self.status = "unrated_expired"

    # -- 复查、复核 ----------------------------------------------------------------------------
    def request_review(self, reasons: str, reviewer_unit: str | None, requested_at: datetime,
                       calendar: WorkingDayCalendar) -> None:
        stage, window_end = self.review_window(calendar)
        requested_on = beijing_date(requested_at)
        if requested_on > window_end:
            raise Conflict(f"the 30 days to ask for {review.STAGE_NAMES[stage]} ended on {window_end.isoformat()} "
                           f"({'A35' if stage == 'review' else 'A36'})")
        errors = {}
        if not reasons.strip():
            errors["reasons"] = ["required"]
        if not reviewer_unit:
            errors["reviewer_unit"] = ["no body one level up is known for this unit: name the reviewing body"]
        elif reviewer_unit == self.accused_unit:
            errors["reviewer_unit"] = ["the accused unit never sees the accusation (A30): name another body"]
        if errors:
            raise InvalidCommand("the request is incomplete", errors)
        self._review_requested(stage=stage, reasons=reasons.strip(), reviewer_unit=reviewer_unit,
                               requested_at=requested_at, petition_id=self.petition_id,
                               deadline=review.answer_deadline(requested_on, 0, calendar))

    def review_window(self, calendar: WorkingDayCalendar) -> tuple[str, date]:
        """The stage a request would open (复查 or 复核) and the last day to ask for it; raises when
        none can be asked for now (no reply yet, one still unanswered, the re-review answered)."""
        if self.reply is None:
            raise Conflict("a review can be asked for only once the handling opinion has been received")
        stage = review.next_stage(self.reviews)
        return stage, review.request_window_end(stage, self.reviews, beijing_date(self.reply["replied_at"]), calendar)

    @event("ReviewRequested")
    def _review_requested(self, stage: str, reasons: str, reviewer_unit: str, requested_at: datetime,
                          petition_id: UUID, deadline: date) -> None:
        self.reviews[stage] = {"stage": stage, "reasons": reasons, "reviewer_unit": reviewer_unit,
                               "requested_on": beijing_date(requested_at), "requested_at": requested_at,
                               "deadline": deadline, "hearing_days": 0}
        self.status = f"under_{stage}"

    @property
    def open_review(self) -> dict | None:
        return next((r for r in self.reviews.values() if "decision" not in r), None)

    def hold_hearing(self, held_from: date, held_to: date, note: str, calendar: WorkingDayCalendar) -> None:
        current = self.open_review
        if current is None:
            raise Conflict("a hearing's time is left out of a review's limit; no review is open")
        days = review.check_hearing(held_from, held_to)
        deadline = review.answer_deadline(current["requested_on"], current["hearing_days"] + days, calendar)
        self._hearing_held(stage=current["stage"], held_from=held_from, held_to=held_to, note=note.strip(),
                           days=days, deadline=deadline,
                           petition_id=self.petition_id)

    @event("HearingHeld")
    def _hearing_held(self, stage: str, held_from: date, held_to: date, note: str, days: int,
                      deadline: date, petition_id: UUID) -> None:
        self.reviews[stage] = {**self.reviews[stage], "hearing_days": self.reviews[stage]["hearing_days"] + days,
                               "deadline": deadline}

    def decide_review(self, unit_id: str, decision: str, opinion: dict, decided_at: datetime) -> None:
        current = self.open_review
        if current is None:
            raise Conflict("no review is waiting for an answer")
        if unit_id != current["reviewer_unit"]:
            raise WrongUnit(f"the {review.STAGE_NAMES[current['stage']]} is for {current['reviewer_unit']} "
                            f"to answer, not {unit_id}")
        review.check_decision(decision, opinion)
        decided_on = beijing_date(decided_at)
        if decided_on < current["requested_on"]:
            raise InvalidCommand("the answer cannot precede the request", {"decided_at": ["before the request"]})
        self._review_decided(stage=current["stage"], unit_id=unit_id, decision=decision, opinion=dict(opinion),
                             decided_at=decided_at, on_time=decided_on <= current["deadline"],
                             petition_id=self.petition_id)

    @event("ReviewDecided")
    def _review_decided(self, stage: str, unit_id: str, decision: str, opinion: dict, decided_at: datetime,
                        on_time: bool, petition_id: UUID) -> None:
        self.reviews[stage] = {**self.reviews[stage], "decision": decision, "opinion": opinion,
                               "decided_at": decided_at, "decided_on": beijing_date(decided_at),
                               "on_time": on_time}
        self.status = "closed" if stage == "re_review" else "reviewed"
