"""Supervision service (督查督办): the deadline watch, the escalating letters, listed supervision."""
import logging
from datetime import date
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from eventsourcing.persistence import RecordConflictError
from nameko.timer import timer

from supervision.application import SupervisionApplication
from supervision.ladder import LadderPolicy
from supervision.published import translate
from supervision.views import listing_view, supervision_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.endpoints import Following, Observable, Publishing
from shared.reference import load_reference
from shared.units import Unit, UnitDirectory
from shared.workdays import configured_calendar

log = logging.getLogger(__name__)
SCAN_SECONDS = 3600


def build(env, settings):
    ref = load_reference(settings.reference_dir or None)
    return SupervisionApplication(
        env, units=UnitDirectory([Unit(**u) for u in ref.units], settings.home_bureau or None),
        policy=LadderPolicy.from_settings(ref.policy["supervision"]),
        calendar=configured_calendar(settings.calendar_overrides))


def _date(value):
    return date.fromisoformat(value) if value else None


class SupervisionService(Publishing, Following, Observable):
    name = "supervision"
    context = Context("supervision", build, translate=translate,
                      follows=("intake", "dispatch", "mediation", "ownership"))

    def _view(self, watch):
        return supervision_view(watch, self.context.app.history(watch.id))

    @command_rpc
    @command("get_supervision")
    def get_supervision(self, supervision_id):
        return self._view(self.context.app.get_supervision(UUID(supervision_id)))

    @command_rpc
    @command("letters")
    def letters(self, supervision_id):
        return self.context.app.letters(UUID(supervision_id))

    @command_rpc
    @command("scan")
    def scan(self, as_of=None, since=None):
        return self.context.app.scan(_date(as_of), _date(since))

    @command_rpc
    @command("respond")
    def respond(self, supervision_id, letter, unit, text, adopted=None, responded_at=None):
        return self._view(self.context.app.respond(UUID(supervision_id), letter, unit, text, adopted,
                                                   moment(responded_at)))

    @command_rpc
    @command("open_manual")
    def open_manual(self, trigger, subject_id, unit, region_code, deadline, note, petition_id=None, opened_at=None):
        return self._view(self.context.app.open_manual(
            trigger, subject_id, unit, region_code, _date(deadline), note,
            UUID(petition_id) if petition_id else None, moment(opened_at)))

    @command_rpc
    @command("close_manual")
    def close_manual(self, supervision_id, reason, closed_at=None):
        return self._view(self.context.app.close_manual(UUID(supervision_id), reason, moment(closed_at)))

    @command_rpc
    @command("list_target")
    def list_target(self, target, target_id, unit, region_code, reason, correction_deadline, listed_at=None):
        listing = self.context.app.list_target(target, target_id, unit, region_code, reason,
                                               _date(correction_deadline), moment(listed_at))
        return listing_view(listing, self.context.app.history(listing.id))

    @command_rpc
    @command("get_listing")
    def get_listing(self, listing_id):
        listing = self.context.app.get_listing(UUID(listing_id))
        return listing_view(listing, self.context.app.history(listing.id))

    @command_rpc
    @command("lift")
    def lift(self, listing_id, correction, lifted_at=None):
        listing = self.context.app.lift(UUID(listing_id), correction, moment(lifted_at))
        return listing_view(listing, self.context.app.history(listing.id))

    @timer(interval=SCAN_SECONDS)
    def scan_by_timer(self):
        try:
            self.context.app.scan()
        except RecordConflictError:
            log.info("another replica scanned meanwhile; the next scan goes on from where it got")
