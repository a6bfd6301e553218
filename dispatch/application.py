"""DispatchApplication: assignments to handling units, from acceptance to the petitioner's rating."""
from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from dispatch.domain import Assignment
from dispatch.routing import RoutingTable
from shared.application import ContextApplication
from shared.dead_letters import KeepsDeadLetters
from shared.clock import Clock, SystemClock, when
from shared.errors import DomainError, NotFound, Rejected
from shared.workdays import WorkingDayCalendar


class AssignmentNotFound(NotFound):
    pass


def assignment_id_for(petition_id: UUID) -> UUID:
    """One assignment per petition: a redelivered acceptance cannot assign twice."""
    return uuid5(NAMESPACE_URL, f"xinfang:assignment:{petition_id}")


class DispatchApplication(KeepsDeadLetters, ContextApplication):
    name = "dispatch"

    def __init__(self, env=None, *, routing: RoutingTable, clock: Clock | None = None,
                 calendar: WorkingDayCalendar | None = None):
        super().__init__(env)
        self.routing = routing
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()

    def get_assignment(self, assignment_id: UUID) -> Assignment:
        try:
            return self.repository.get(assignment_id)
        except AggregateNotFoundError:
            raise AssignmentNotFound(f"no assignment {assignment_id}") from None

    def history(self, assignment_id: UUID) -> list:
        return list(self.events.get(assignment_id))

    def sign(self, assignment_id: UUID, unit_id: str, signed_at: datetime | None = None) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        assignment.sign(unit_id, when(signed_at, self.clock, "signed_at"))
        self.save(assignment)
        return assignment

    def extend(self, assignment_id: UUID, days: int, reason: str, approved_by: str,
               extended_at: datetime | None = None) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        assignment.extend(days, reason, approved_by, when(extended_at, self.clock, "extended_at"), self.calendar)
        self.save(assignment)
        return assignment

    def reply(self, assignment_id: UUID, outcome: str, opinion: dict, signatures: list[dict],
              replied_at: datetime | None = None) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        assignment.give_reply(outcome, opinion, signatures, when(replied_at, self.clock, "replied_at"))
        self.save(assignment)
        return assignment

    def evaluate(self, assignment_id: UUID, rating: str, rated_at: datetime | None = None) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        assignment.evaluate(rating, when(rated_at, self.clock, "rated_at"))
        self.save(assignment)
        return assignment

    # -- joint handling (联合办理) ------------------------------------------------------------
    def request_joint_handling(self, assignment_id: UUID, agencies: list[str],
                               requested_at: datetime | None = None) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        assignment.request_joint_handling(agencies, when(requested_at, self.clock, "requested_at"))
        self.save(assignment)
        return assignment

    def waive_joint_report(self, assignment_id: UUID, agency: str, reason: str, by: str,
                           waived_at: datetime | None = None) -> Assignment:
        assignment = self.get_assignment(assignment_id)
        assignment.waive_joint_report(agency, reason, by, when(waived_at, self.clock, "waived_at"))
        self.save(assignment)
        return assignment

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
        unit_id = self.routing.route(data["region_code"], data["category"], data["matter_type"])
        processing.collect_events(Assignment.assign(
            assignment_id, petition_id=UUID(data["petition_id"]), unit_id=unit_id,
            region_code=data["region_code"], category=data["category"],
            matter_type=data["matter_type"], accepted_at=datetime.fromisoformat(data["decided_at"]),
            calendar=self.calendar))
