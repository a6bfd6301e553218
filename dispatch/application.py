"""DispatchApplication: assignments to handling units, from acceptance to review and re-review."""
from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from dispatch import notices, self_service
from dispatch.domain import Assignment
from dispatch.policy import HandlingPolicy
from dispatch.routing import RoutingTable
from shared.access import acting_unit_of, acts_for, current_principal
from shared.application import ContextApplication
from shared.clock import Clock, SystemClock, beijing_date, when
from shared.dead_letters import KeepsDeadLetters
from shared.due import DueCalendar
from shared.errors import DomainError, InvalidCommand, NotFound, Rejected
from shared.workdays import WorkingDayCalendar

class AssignmentNotFound(NotFound):
    pass


def assignment_id_for(petition_id: UUID) -> UUID:
    """One assignment per petition: a redelivered acceptance cannot assign twice."""
    return uuid5(NAMESPACE_URL, f"xinfang:assignment:{petition_id}")


class DispatchApplication(KeepsDeadLetters, ContextApplication):
    name = "dispatch"

    def __init__(self, env=None, *, routing: RoutingTable, clock: Clock | None = None,
                 calendar: WorkingDayCalendar | None = None, policy: HandlingPolicy | None = None):
        super().__init__(env)
        self.routing = routing
        self.units = routing.directory
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()
        self.handling_policy = policy or HandlingPolicy()
        self.ratings_due = DueCalendar(self, "rating-window")

    def get_assignment(self, assignment_id: UUID, acting_unit: str | None = None) -> Assignment:
        """`acting_unit` defaults to the unit the request acts for, so every command on an assignment
        is refused, as if there were none, to a unit that does not handle it."""
        if acting_unit is None:
            acting_unit = acting_unit_of(current_principal())
        try:
            assignment = self.repository.get(assignment_id)
        except AggregateNotFoundError:
            raise AssignmentNotFound(f"no assignment {assignment_id}") from None
        if not isinstance(assignment, Assignment) or not assignment.can_be_seen_by(acting_unit):
            # The accused unit learns not even that the matter exists (A30).
            raise AssignmentNotFound(f"no assignment {assignment_id}")
        return assignment

    def history(self, assignment_id: UUID) -> list:
        return list(self.events.get(assignment_id))

    def _change(self, assignment_id: UUID, change, *extra) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        change(assignment)
        self.save(assignment, *extra)
        return assignment

    def _now(self, moment: datetime | None, field: str) -> datetime:
        return when(moment, self.clock, field)

    def sign(self, assignment_id: UUID, unit_id: str, signed_at: datetime | None = None) -> Assignment:
        at = self._now(signed_at, "signed_at")
        acts_for(unit_id)
        return self._change(assignment_id, lambda a: a.sign(unit_id, at))

    def object_to_dispatch(self, assignment_id: UUID, unit_id: str, reasons: str,
                           proposed_unit: str | None = None, objected_at: datetime | None = None) -> Assignment:
        at = self._now(objected_at, "objected_at")
        acts_for(unit_id)
        return self._change(assignment_id, lambda a: a.object_to_dispatch(unit_id, reasons, proposed_unit, at))

    def decide_objection(self, assignment_id: UUID, upheld: bool, comment: str, unit: str | None = None,
                         decided_at: datetime | None = None) -> Assignment:
        at = self._now(decided_at, "decided_at")
        return self._change(assignment_id, lambda a: a.decide_objection(
            upheld, unit, comment, at, self.calendar, self.units.__contains__))

    def add_co_units(self, assignment_id: UUID, units: list[str], added_at: datetime | None = None) -> Assignment:
        at = self._now(added_at, "added_at")
        return self._change(assignment_id, lambda a: a.add_co_units(units, at, self.units.__contains__))

    def give_co_opinion(self, assignment_id: UUID, unit: str, opinion: str,
                        given_at: datetime | None = None) -> Assignment:
        at = self._now(given_at, "given_at")
        acts_for(unit)
        return self._change(assignment_id, lambda a: a.give_co_opinion(unit, opinion, at))

    def extend(self, assignment_id: UUID, days: int, reason: str, approved_by: str,
               extended_at: datetime | None = None) -> Assignment:
        at = self._now(extended_at, "extended_at")
        return self._change(assignment_id, lambda a: acts_for(a.unit_id) or a.extend(days, reason, approved_by, at, self.calendar))

    def reply(self, assignment_id: UUID, outcome: str, opinion: dict, signatures: list[dict],
              replied_at: datetime | None = None) -> Assignment:
        at = self._now(replied_at, "replied_at")
        return self._after_reply(self.get_assignment(assignment_id),
                                 lambda a: acts_for(a.unit_id) or a.give_reply(outcome, opinion, signatures, at))

    def decide_pre_review(self, assignment_id: UUID, approved: bool, comments: str = "",
                          decided_at: datetime | None = None) -> Assignment:
        at = self._now(decided_at, "decided_at")
        return self._after_reply(self.get_assignment(assignment_id),
                                 lambda a: a.decide_pre_review(approved, comments, at))

    def _after_reply(self, assignment: Assignment, change) -> Assignment:
        """Saves a change that may send the reply out; a reply joins the day its rating window ends."""
        replied_before = assignment.reply is not None
        change(assignment)
        extra = []
        if assignment.reply is not None and not replied_before:
            extra.append(self.ratings_due.schedule(assignment.id, assignment.evaluation_deadline))
        self.save(assignment, *extra)
        return assignment

    def evaluate(self, assignment_id: UUID, rating: str, rated_at: datetime | None = None) -> Assignment:
        at = self._now(rated_at, "rated_at")
        return self._change(assignment_id, lambda a: a.evaluate(rating, at))

    def expire_unrated(self, as_of: date | None = None, since: date | None = None) -> dict:
        """Records 超期未评价 for every reply whose rating window ended before `as_of` (default today)
        unrated. Days already swept are skipped unless `since` asks for them again."""
        today = beijing_date(self.clock.now())
        as_of = as_of or today
        if as_of > today:
            raise InvalidCommand("ratings cannot be expired ahead of time", {"as_of": ["not after today"]})

        def expire(assignment_id: UUID) -> bool:
            assignment = self.repository.get(assignment_id)
            if assignment.expire_evaluation(as_of):
                self.save(assignment)
                return True
            return False
        swept = self.ratings_due.sweep(as_of, expire, since)
        return {"as_of": swept["as_of"], "swept_from": swept["swept_from"], "expired": swept["handled"]}

    # -- review and re-review (复查、复核) ----------------------------------------------------
    def request_review(self, assignment_id: UUID, reasons: str, reviewer_unit: str | None = None,
                       requested_at: datetime | None = None) -> Assignment:
        at = self._now(requested_at, "requested_at")
        if reviewer_unit and reviewer_unit not in self.units:
            raise InvalidCommand("unknown reviewing body", {"reviewer_unit": ["not a unit of the reference data"]})

        def request(a: Assignment) -> None:
            # The body one level up from whoever answered last: the handling unit, then the reviewer;
            # past the accused body, if the chain meets it (A30).
            answered_by = a.reviews["review"]["reviewer_unit"] if "review" in a.reviews else a.unit_id
            default = self.units.superior(answered_by)
            if default and default == a.accused_unit:
                default = self.units.superior(default)
            a.request_review(reasons, reviewer_unit or default, at, self.calendar)
        return self._change(assignment_id, request)

    def hold_hearing(self, assignment_id: UUID, held_from: date, held_to: date, note: str = "") -> Assignment:
        return self._change(assignment_id, lambda a: a.hold_hearing(held_from, held_to, note, self.calendar))

    def decide_review(self, assignment_id: UUID, unit: str, decision: str, opinion: dict,
                      decided_at: datetime | None = None) -> Assignment:
        at = self._now(decided_at, "decided_at")
        acts_for(unit)
        return self._change(assignment_id, lambda a: a.decide_review(unit, decision, opinion, at))

    def notices(self, assignment_id: UUID, addressee: str) -> list[dict]:
        assignment = self.get_assignment(assignment_id)
        return [n.document(addressee) for n in notices.notices(assignment, self.units.name)]

    def petitioner_view(self, assignment_id: UUID, addressee: str) -> dict:
        """The handling as its petitioner follows it with their query code (dispatch.self_service)."""
        a = self.get_assignment(assignment_id)
        view = self_service.petitioner_view(a, self.units.name(a.unit_id), beijing_date(self.clock.now()), self.calendar)
        return {**view, "notices": [n.document(addressee) for n in notices.notices(a, self.units.name)]}

    def request_mediation(self, assignment_id: UUID, layer: str, reason: str,
                          requested_at: datetime | None = None) -> Assignment:
        at = self._now(requested_at, "requested_at")
        return self._change(assignment_id, lambda a: a.request_mediation(layer, reason, at))

    # -- joint handling (联合办理) ------------------------------------------------------------
    def request_joint_handling(self, assignment_id: UUID, agencies: list[str],
                               requested_at: datetime | None = None) -> Assignment:
        at = self._now(requested_at, "requested_at")
        return self._change(assignment_id, lambda a: a.request_joint_handling(agencies, at))

    def waive_joint_report(self, assignment_id: UUID, agency: str, reason: str, by: str,
                           waived_at: datetime | None = None) -> Assignment:
        at = self._now(waived_at, "waived_at")
        return self._change(assignment_id, lambda a: a.waive_joint_report(agency, reason, by, at))

    def receive_inbound(self, sender: str, event: dict) -> Assignment:
        """An agency's joint-handling report, from its own exchange. A report the assignment cannot
        take (unknown assignment, an agency not asked, one agency reporting for another) is refused
        as a dead letter, not retried."""
        data = event["data"]
        if data["agency"] != sender:
            raise Rejected("agency_mismatch", {"data.agency": [f"reported on {sender}'s exchange"]})
        try:
            assignment = self.get_assignment(UUID(data["assignment_id"]))
            assignment.record_joint_report(sender, data["result"], data["reported_at"])
        except DomainError as refused:
            raise Rejected("refused", {"data": [str(refused)]}) from None
        self.save(assignment)
        return assignment

    # -- following intake ---------------------------------------------------------------------
    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        data = envelope["data"]
        if envelope["type"] != "petition.acceptance_decided" or data["decision"] != "accepted":
            return
        assignment_id = assignment_id_for(UUID(data["petition_id"]))
        if assignment_id in self.repository:
            return
        accused = data.get("accused_unit")
        unit_id = self.routing.route(data["region_code"], data["category"], data["matter_type"], accused)
        dispatch_by = data.get("dispatch_deadline")
        processing.collect_events(Assignment.assign(
            assignment_id, petition_id=UUID(data["petition_id"]), unit_id=unit_id,
            region_code=data["region_code"], category=data["category"],
            matter_type=data["matter_type"], accepted_at=datetime.fromisoformat(data["decided_at"]),
            calendar=self.calendar, policy=self.handling_policy, mode=data.get("dispatch_mode") or "assignment",
            accused_unit=accused, dispatch_deadline=date.fromisoformat(dispatch_by) if dispatch_by else None))
