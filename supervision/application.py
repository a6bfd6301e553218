"""SupervisionApplication: the deadline watch fed by every other service's events, the daily scan
that issues the letters, the units' answers, listed and manual supervision."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, ProcessingEvent

from supervision import feed, letters
from supervision.domain import LIMITS, MANUAL_TRIGGERS, Supervision, supervision_id_for
from supervision.ladder import LadderPolicy, letter_due, next_look
from supervision.listing import ListedSupervision
from shared.access import acting_unit_of, acts_for, current_principal
from shared.application import ContextApplication
from shared.clock import Clock, SystemClock, beijing_date, moment, when
from shared.due import DueCalendar
from shared.errors import InvalidCommand, NotFound
from shared.units import UnitDirectory
from shared.workdays import WorkingDayCalendar

# Which limits have an office of their own to answer for them when no unit is named.
OFFICE_ROLE = {"acceptance": "petition_bureau", "mediation": "mediation_committee"}


class SupervisionNotFound(NotFound):
    pass


class SupervisionApplication(ContextApplication):
    name = "supervision"

    def __init__(self, env=None, *, units: UnitDirectory, policy: LadderPolicy | None = None,
                 clock: Clock | None = None, calendar: WorkingDayCalendar | None = None):
        super().__init__(env)
        self.units = units
        self.ladder = policy or LadderPolicy()
        self.clock = clock or SystemClock()
        self.calendar = calendar or WorkingDayCalendar()
        self.looks = DueCalendar(self, "supervision-look")

    def _get(self, aggregate_id: UUID):
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def get_supervision(self, supervision_id: UUID) -> Supervision:
        found = self._get(supervision_id)
        unit = acting_unit_of(current_principal())
        # A unit reads the supervisions of its own work only; of another's, not even that they exist.
        if not isinstance(found, Supervision) or (unit is not None and unit != found.unit_id):
            raise SupervisionNotFound(f"no supervision {supervision_id}")
        return found

    def get_listing(self, listing_id: UUID) -> ListedSupervision:
        found = self._get(listing_id)
        if not isinstance(found, ListedSupervision):
            raise SupervisionNotFound(f"no listed supervision {listing_id}")
        return found

    def history(self, aggregate_id: UUID) -> list:
        return list(self.events.get(aggregate_id))

    def _unit_for(self, kind: str, region_code: str | None) -> str:
        role = OFFICE_ROLE.get(kind, "petition_bureau")
        return (self.units.by_region(role, region_code or "") if region_code else None) or \
            self.units.bureau(region_code or "")

    # -- the deadline watch ---------------------------------------------------------------------
    def policy(self, envelope: dict, processing: ProcessingEvent) -> None:
        for action, kind, subject, fields in feed.actions(envelope):
            watch = self._get(supervision_id_for(kind, subject))
            if action in ("open", "open_or_move") and watch is None:
                watch = self._open(kind, subject, fields, opened_at=moment(envelope["time"]),
                                   note=fields.get("note", ""))
                processing.collect_events(watch, self.looks.schedule(watch.id, watch.at_risk_on))
            elif action in ("move", "open_or_move") and watch is not None:
                deadline = fields.get("deadline", watch.deadline)
                watch.move_limit(deadline, self.ladder.at_risk_on(deadline, self.calendar), fields.get("unit_id"))
                processing.collect_events(watch, self.looks.schedule(watch.id, watch.at_risk_on))
            elif action == "close" and watch is not None and watch.close(fields["reason"], fields["at"]):
                processing.collect_events(watch)

    def _open(self, kind: str, subject: str, fields: dict, opened_at: datetime | None = None,
              note: str = "", manual: bool = False) -> Supervision:
        region = fields.get("region_code")
        if region is None:
            # A review or a later mediation layer: the region of the same subject's earlier watch.
            earlier = next((w for k in LIMITS if (w := self._get(supervision_id_for(k, subject)))), None)
            region = earlier.region_code if earlier else ""
        deadline = fields["deadline"]
        petition = fields.get("petition_id")
        return Supervision.open(
            kind=kind, subject_id=subject, unit_id=fields.get("unit_id") or self._unit_for(kind, region),
            region_code=region, deadline=deadline, at_risk_on=self.ladder.at_risk_on(deadline, self.calendar),
            opened_at=opened_at or self.clock.now(), petition_id=UUID(petition) if petition else None,
            note=note, manual=manual)

    # -- the daily scan -----------------------------------------------------------------------------
    def scan(self, as_of: date | None = None, since: date | None = None) -> dict:
        """Issues every letter due on `as_of` (default today) — the same as the hourly timer. Days
        already scanned are not read again, so a second scan for a date issues nothing."""
        today = beijing_date(self.clock.now())
        as_of = as_of or today
        if as_of > today:
            raise InvalidCommand("letters are not issued ahead of time", {"as_of": ["not after today"]})
        issued: list[str] = []

        def look(supervision_id: UUID) -> bool:
            watch = self._get(supervision_id)
            if watch is None or watch.status == "closed":
                return False
            letter = letter_due(as_of, watch.deadline, watch.at_risk_on, watch.letters)
            if letter and not self.calendar.is_working_day(as_of):
                # Letters go out on working days [L]: this one waits for the next day.
                self.save(self.looks.schedule(watch.id, as_of + timedelta(days=1)))
                return False
            if letter:
                watch.issue(letter, as_of, self.ladder.reply_by(letter, as_of, watch.deadline, self.calendar))
                issued.append(letter)
            following = next_look(as_of, watch.deadline, watch.at_risk_on, watch.letters)
            self.save(watch, *([self.looks.schedule(watch.id, following)] if following else []))
            return bool(letter)
        # Days before as_of, and as_of itself: a letter falls due on its day.
        swept = self.looks.sweep(as_of + timedelta(days=1), look, since)
        return {"as_of": as_of.isoformat(), "swept_from": swept["swept_from"], "issued": len(issued),
                "by_letter": {k: issued.count(k) for k in sorted(set(issued))}}

    # -- answers, manual and listed supervision ----------------------------------------------------
    def respond(self, supervision_id: UUID, letter: str, unit: str, text: str, adopted: bool | None = None,
                responded_at: datetime | None = None) -> Supervision:
        at = when(responded_at, self.clock, "responded_at")
        acts_for(unit)
        watch = self.get_supervision(supervision_id)
        watch.respond(letter, unit, text, at, adopted)
        self.save(watch)
        return watch

    def open_manual(self, trigger: str, subject_id: str, unit: str, region_code: str, deadline: date,
                    note: str, petition_id: UUID | None = None, opened_at: datetime | None = None) -> Supervision:
        """The office takes a matter up (A40) and sends a supervision letter at once."""
        if trigger not in MANUAL_TRIGGERS:
            raise InvalidCommand("unknown trigger", {"trigger": [f"one of {', '.join(MANUAL_TRIGGERS)}"]})
        if unit not in self.units:
            raise InvalidCommand("unknown unit", {"unit": ["not a unit of the reference data"]})
        if not note.strip():
            raise InvalidCommand("what the office found", {"note": ["required"]})
        existing = self._get(supervision_id_for(trigger, subject_id))
        if existing is not None:
            return existing
        at = when(opened_at, self.clock, "opened_at")
        on = beijing_date(at)
        if deadline < on:
            raise InvalidCommand("a correction deadline ahead", {"deadline": ["not before today"]})
        watch = self._open(trigger, subject_id, {"deadline": deadline, "region_code": region_code, "unit_id": unit,
                                                 "petition_id": str(petition_id) if petition_id else None},
                           opened_at=at, note=note.strip(), manual=True)
        # Letters go out on working days [L]: taken up on a rest day, it is dated the next working one.
        issued_on = self.calendar.first_working_day_from(on)
        watch.issue("supervision", issued_on, self.ladder.reply_by("supervision", issued_on, deadline, self.calendar))
        following = next_look(issued_on, watch.deadline, watch.at_risk_on, watch.letters)
        self.save(watch, self.looks.schedule(watch.id, following))
        return watch

    def close_manual(self, supervision_id: UUID, reason: str, closed_at: datetime | None = None) -> Supervision:
        watch = self.get_supervision(supervision_id)
        if not watch.manual:
            raise InvalidCommand("a watched limit closes when it is met", {"_schema": ["not a manual supervision"]})
        if not reason.strip():
            raise InvalidCommand("why it is closed", {"reason": ["required"]})
        watch.close(reason.strip(), when(closed_at, self.clock, "closed_at"))
        self.save(watch)
        return watch

    def list_target(self, target: str, target_id: str, unit: str, region_code: str, reason: str,
                    correction_deadline: date, listed_at: datetime | None = None) -> ListedSupervision:
        if unit not in self.units:
            raise InvalidCommand("unknown unit", {"unit": ["not a unit of the reference data"]})
        listing = ListedSupervision.list(target=target, target_id=target_id, unit_id=unit, region_code=region_code,
                                         reason=reason, correction_deadline=correction_deadline,
                                         listed_at=when(listed_at, self.clock, "listed_at"))
        self.save(listing)
        return listing

    def lift(self, listing_id: UUID, correction: str, lifted_at: datetime | None = None) -> ListedSupervision:
        listing = self.get_listing(listing_id)
        listing.lift(correction, when(lifted_at, self.clock, "lifted_at"))
        self.save(listing)
        return listing

    def letters(self, supervision_id: UUID) -> list[dict]:
        return letters.letters(self.get_supervision(supervision_id), self.units.name)
