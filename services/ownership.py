"""Ownership service (领导包案): backlog cases owned by a named leader, from designation to 案结事了."""
import logging
from datetime import date
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from eventsourcing.persistence import RecordConflictError
from nameko.timer import timer

from ownership.application import OwnershipApplication
from ownership.designation import DesignationPolicy
from ownership.published import translate
from ownership.views import case_view
from shared.clock import moment
from shared.commands import command, command_rpc
from shared.context import Context
from shared.endpoints import Following, Observable, Publishing
from shared.reference import load_reference

log = logging.getLogger(__name__)
SWEEP_SECONDS = 3600


def build(env, settings):
    ref = load_reference(settings.reference_dir or None)
    return OwnershipApplication(env, policy=DesignationPolicy.from_settings(ref.policy["backlog"]))


def _date(value):
    return date.fromisoformat(value) if value else None


class OwnershipService(Publishing, Following, Observable):
    name = "ownership"
    context = Context("ownership", build, translate=translate, follows=("intake", "dispatch", "mediation"))

    def _view(self, case):
        return case_view(case, self.context.app.history(case.id))

    def _do(self, method, case_id, *args, **kwargs):
        """Runs one application command; every `*_at` argument arrives as ISO text."""
        kwargs = {k: moment(v) if k.endswith("_at") or k == "at" else v for k, v in kwargs.items()}
        return self._view(getattr(self.context.app, method)(UUID(case_id), *args, **kwargs))

    @command_rpc
    @command("designate")
    def designate(self, petition_id, reason, region_code=None, category=None, designated_at=None):
        return self._do("designate", petition_id, reason, region_code, category, designated_at=designated_at)

    @command_rpc
    @command("get_case")
    def get_case(self, case_id):
        return self._view(self.context.app.get_case(UUID(case_id)))

    @command_rpc
    @command("cases")
    def cases(self, leader=None, status=None):
        return [self._view(case) for case in self.context.app.cases(leader, status)]

    @command_rpc
    @command("assign_leader")
    def assign_leader(self, case_id, leader, task_force, plan, at=None):
        return self._do("assign_leader", case_id, leader, task_force, plan, at=at)

    @command_rpc
    @command("record_meeting")
    def record_meeting(self, case_id, kind, held_on, notes):
        return self._do("record_meeting", case_id, kind, _date(held_on), notes)

    @command_rpc
    @command("confirm_check")
    def confirm_check(self, case_id, kind, evidence):
        return self._do("confirm_check", case_id, kind, evidence)

    @command_rpc
    @command("review_month")
    def review_month(self, case_id, month, progress):
        return self._do("review_month", case_id, month, progress)

    @command_rpc
    @command("resolve")
    def resolve(self, case_id, summary, resolved_at=None):
        return self._do("resolve", case_id, summary, resolved_at=resolved_at)

    @command_rpc
    @command("terminate")
    def terminate(self, case_id, reason, terminated_at=None):
        return self._do("terminate", case_id, reason, terminated_at=terminated_at)

    @command_rpc
    @command("sweep")
    def sweep(self, as_of=None, since=None):
        """Designates matters unresolved past the limit and flags months without a review."""
        app = self.context.app
        return {**app.sweep_unresolved(_date(as_of), _date(since)),
                "reviews_missed": app.flag_missed_reviews(_date(as_of))["flagged"]}

    @timer(interval=SWEEP_SECONDS)
    def sweep_by_timer(self):
        try:
            self.context.app.sweep_unresolved()
            self.context.app.flag_missed_reviews()
        except RecordConflictError:
            log.info("another replica swept meanwhile; the next sweep goes on from where it got")
