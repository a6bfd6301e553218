"""OwnershipApplication: backlog cases designated by policy from intake's, dispatch's and mediation's
events (or by hand), owned by a leader, taken to resolution."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from ownership.designation import RESOLVED_RATINGS, TRIGGER_NAMES, DesignationPolicy
from ownership.domain import CaseOwnership, case_id_for
from ownership.register import CaseRegister
from ownership.watch import MatterWatch
from shared.access import current_principal, sees_leader_cases, works_case_of
from shared.application import ContextApplication
from shared.clock import Clock, SystemClock, beijing_date, moment, when
from shared.due import DueCalendar
from shared.errors import InvalidCommand, NotFound


# The events ownership's policy reads (from intake, dispatch and mediation).
FOLLOWED = ("petition.registered", "petition.acceptance_decided", "assignment.evaluated",
            "mediation.agreement_reached", "assignment.review_decided")


class CaseNotFound(NotFound):
    pass


class OwnershipApplication(ContextApplication):
    name = "ownership"

    def __init__(self, env=None, *, policy: DesignationPolicy | None = None, clock: Clock | None = None):
        super().__init__(env)
        self.designation = policy or DesignationPolicy()
        self.clock = clock or SystemClock()
        self.unresolved_due = DueCalendar(self, "unresolved")

    def _get(self, aggregate_id: UUID):
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def get_case(self, case_id: UUID) -> CaseOwnership:
        case = self._case(case_id)
        works_case_of((case.leader or {}).get("id"))
        return case

    def _case(self, case_id: UUID) -> CaseOwnership:
        case = self._get(case_id)
        if not isinstance(case, CaseOwnership):
            raise CaseNotFound(f"no backlog case {case_id}")
        return case

    def history(self, case_id: UUID) -> list:
        return list(self.events.get(case_id))

    def _change(self, case_id: UUID, change) -> CaseOwnership:
        case = self.get_case(case_id)
        change(case)
        self.save(case)
        return case

    def _register(self) -> CaseRegister:
        return self._get(CaseRegister.ID) or CaseRegister.start()

    def _designation(self, petition_id: UUID, trigger: str, reason: str, region_code: str, category: str,
                     at: datetime) -> list:
        """The new case and the register entry, or nothing when the matter is a case already."""
        if case_id_for(petition_id) in self.repository:
            return []
        case = CaseOwnership.designate(petition_id, trigger=trigger, reason=reason, region_code=region_code,
                                       category=category, designated_at=at)
        register = self._register()
        register.enter(case.id)
        return [case, register]

    # -- designation by hand -------------------------------------------------------------------------
    def designate(self, petition_id: UUID, reason: str, region_code: str | None = None,
                  category: str | None = None, designated_at: datetime | None = None) -> CaseOwnership:
        """By hand, with a reason; the matter is the petition's first one when ownership knows it,
        and the case takes that first petition's region and category."""
        watch = self._get(MatterWatch.create_id(petition_id))
        first = self._get(MatterWatch.create_id(watch.original)) if watch and watch.identified else None
        if first is None and not (region_code and category):
            raise InvalidCommand("ownership has not seen this petition: give its region and category",
                                 {"region_code": ["required for a petition not yet seen"]})
        matter = first.petition_id if first else petition_id
        at = when(designated_at, self.clock, "designated_at")
        created = self._designation(matter, "manual", reason, first.region_code if first else region_code,
                                    first.category if first else category, at)
        if created:
            self.save(*created)
        return self.get_case(case_id_for(matter))

    # -- designation by policy (following intake, dispatch, mediation) ------------------------------
    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        data, kind = envelope["data"], envelope["type"]
        if not data.get("petition_id") or kind not in FOLLOWED:
            return
        petition_id = UUID(data["petition_id"])
        watch = self._get(MatterWatch.create_id(petition_id)) or MatterWatch.start(petition_id)
        if kind == "petition.registered":
            if watch.identified:
                return  # seen before
            original = UUID(data["repeat_of"]) if data.get("repeat_of") else petition_id
            watch.identify(original=original, region_code=data["region_code"], category=data["category"])
            if original != petition_id:
                self._count_repeat(original, petition_id, moment(data["received_at"]), processing)
        elif kind == "petition.acceptance_decided":
            if data["decision"] != "accepted":
                return
            accepted_on = beijing_date(moment(data["decided_at"]))
            watch.accepted(on=accepted_on)
            processing.collect_events(self.unresolved_due.schedule(
                petition_id, accepted_on + timedelta(days=self.designation.unresolved_days)))
        elif kind == "assignment.evaluated":
            watch.rated(rating=data["rating"])
            if data["rating"] in RESOLVED_RATINGS:
                watch.mark_resolved(how="rated")
        elif kind == "mediation.agreement_reached":
            watch.mark_resolved(how="mediation")
        elif kind == "assignment.review_decided":
            if data["stage"] != "re_review":
                return
            watch.mark_re_reviewed(at=moment(data["decided_at"]))
        processing.collect_events(watch)
        # Whichever of intake's registration and dispatch's re-review arrives second designates.
        if watch.identified and watch.re_reviewed and self.designation.by_re_review(watch.rating):
            processing.collect_events(*self._designation(
                watch.original, "unsatisfied_after_re_review", TRIGGER_NAMES["unsatisfied_after_re_review"],
                watch.region_code, watch.category, watch.re_reviewed_at))

    def _count_repeat(self, original: UUID, repeat_id: UUID, at: datetime, processing: ProcessingEvent) -> None:
        first = self._get(MatterWatch.create_id(original))
        if first is None or not first.identified:
            return  # a first petition from before ownership followed intake
        first.count_repeat(repeat_id=repeat_id)
        processing.collect_events(first)
        if self.designation.by_repeats(first.repeats):
            processing.collect_events(*self._designation(
                original, "repeats", f"{TRIGGER_NAMES['repeats']}：同一事项重复信访{first.repeats}次",
                first.region_code, first.category, at))

    def sweep_unresolved(self, as_of: date | None = None, since: date | None = None) -> dict:
        """Designates the matters still unresolved `unresolved_days` after acceptance (timer, or an
        operator naming a date)."""
        today = beijing_date(self.clock.now())
        as_of = as_of or today
        if as_of > today:
            raise InvalidCommand("not ahead of time", {"as_of": ["not after today"]})

        def designate(petition_id: UUID) -> bool:
            watch = self._get(MatterWatch.create_id(petition_id))
            if watch is None or watch.resolved or not watch.identified:
                return False
            created = self._designation(
                watch.original, "unresolved", f"{TRIGGER_NAMES['unresolved']}：受理后{self.designation.unresolved_days}日仍未化解",
                watch.region_code, watch.category, self.clock.now())
            if created:
                self.save(*created)
            return bool(created)
        swept = self.unresolved_due.sweep(as_of, designate, since)
        return {"as_of": swept["as_of"], "swept_from": swept["swept_from"], "designated": swept["handled"]}

    # -- the case's course ------------------------------------------------------------------------
    def assign_leader(self, case_id: UUID, leader: dict, task_force: list[str], plan: dict,
                      at: datetime | None = None) -> CaseOwnership:
        at = when(at, self.clock, "at")
        return self._change(case_id, lambda c: c.assign_leader(leader, task_force, plan, at))

    def record_meeting(self, case_id: UUID, kind: str, held_on: date, notes: str) -> CaseOwnership:
        return self._change(case_id, lambda c: c.record_meeting(kind, held_on, notes))

    def confirm_check(self, case_id: UUID, kind: str, evidence: str) -> CaseOwnership:
        return self._change(case_id, lambda c: c.confirm_check(kind, evidence))

    def review_month(self, case_id: UUID, month: str, progress: str) -> CaseOwnership:
        today = beijing_date(self.clock.now())
        return self._change(case_id, lambda c: c.review_month(month, progress, today))

    def resolve(self, case_id: UUID, summary: str, resolved_at: datetime | None = None) -> CaseOwnership:
        at = when(resolved_at, self.clock, "resolved_at")
        return self._change(case_id, lambda c: c.resolve(summary, at))

    def terminate(self, case_id: UUID, reason: str, terminated_at: datetime | None = None) -> CaseOwnership:
        at = when(terminated_at, self.clock, "terminated_at")
        return self._change(case_id, lambda c: c.terminate(reason, at))

    def flag_missed_reviews(self, as_of: date | None = None) -> dict:
        """Flags, for supervision, each open case's past months that had no review."""
        today = beijing_date(self.clock.now())
        as_of = as_of or today
        if as_of > today:
            raise InvalidCommand("not ahead of time", {"as_of": ["not after today"]})
        flagged = 0
        for case_id in self._register().case_ids:
            case = self.get_case(case_id)
            count = case.flag_missed_reviews(as_of)
            if count:
                self.save(case)
                flagged += count
        return {"as_of": as_of.isoformat(), "flagged": flagged}

    def cases(self, leader: str | None = None, status: str | None = None) -> list[CaseOwnership]:
        """The register, or one leader's own list (包案领导的案件清单)."""
        found = [self._case(case_id) for case_id in self._register().case_ids]
        reader = current_principal()
        return [c for c in found if (leader is None or (c.leader or {}).get("id") == leader)
                and (status is None or c.status == status) and sees_leader_cases(reader, (c.leader or {}).get("id"))]
