"""Reporting service (统计): projects intake's, dispatch's, mediation's, ownership's and supervision's
events into statistics."""
from datetime import date, datetime
from uuid import UUID

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment
from nameko.rpc import rpc
from nameko.timer import timer

from reporting.bulletin_application import BulletinApplication, bulletin_view
from reporting.queries import Statistics
from reporting.readmodel import StatisticsReadModel
from shared.commands import command, command_rpc
from shared.context import Context
from shared.errors import InvalidCommand
from shared.endpoints import Following, Observable
from shared.persistence import application_env
from shared.reference import load_reference

SOURCES = ("intake", "dispatch", "mediation", "ownership", "supervision")


def build(env, settings, create_table=True):
    # The read model holds no personal data (pseudonyms only) and must be queryable, so no cipher.
    factory = PostgresFactory(Environment("reporting", {**env, "CIPHER_TOPIC": "", "CIPHER_KEY": "",
                                                        "CREATE_TABLE": "y" if create_table else "n"}))
    units = load_reference(settings.reference_dir or None).units
    return Statistics(factory.tracking_recorder(StatisticsReadModel), close=factory.close,
                      unit_levels={u["id"]: u["level"] for u in units})


def build_bulletins(env, settings):
    """Bulletins (通报): an eventsourcing application of their own (schema "bulletins"), compiled from
    the statistics read model, which it only reads (the reporting context creates its tables)."""
    ref = load_reference(settings.reference_dir or None)
    statistics = build(application_env("reporting", settings), settings, create_table=False)
    return BulletinApplication(env, figures=statistics.bulletin_figures, rank_by=ref.policy["bulletin"]["rank_by"],
                               unit_names={u["id"]: u["name"] for u in ref.units}, on_close=statistics.close)


def moment(text, field: str):
    """An ISO 8601 time with its offset, or None; anything else is the caller's error."""
    if text in (None, ""):
        return None
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        value = None
    if value is None or value.utcoffset() is None:
        raise InvalidCommand(f"{field}: not an ISO 8601 time with its offset",
                             {field: ["an ISO 8601 time with its offset"]})
    return value


def count(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidCommand(f"{field}: not a whole number", {field: ["a whole number"]}) from None


class ReportingService(Following, Observable):
    name = "reporting"
    context = Context("reporting", build, follows=SOURCES)
    bulletins = Context("bulletins", build_bulletins)

    @command_rpc
    @command("summary")
    def summary(self, start, end, region=""):
        return self.context.app.summary(date.fromisoformat(start), date.fromisoformat(end), region)

    @command_rpc
    @command("volume")
    def volume(self, start, end, region="", granularity="month", by="channel"):
        return self.context.app.volume(date.fromisoformat(start), date.fromisoformat(end), region,
                                       granularity, by)

    @command_rpc
    @command("repeats")
    def repeats(self, start, end, region="", limit=20):
        return self.context.app.repeats(date.fromisoformat(start), date.fromisoformat(end), region, limit)

    @command_rpc
    @command("mediation_statistics")
    def mediation_statistics(self, start, end, region=""):
        return self.context.app.mediation(date.fromisoformat(start), date.fromisoformat(end), region)

    @command_rpc
    @command("backlog_statistics")
    def backlog_statistics(self, start, end, region=""):
        return self.context.app.backlog(date.fromisoformat(start), date.fromisoformat(end), region)

    @command_rpc
    @command("supervision_statistics")
    def supervision_statistics(self, start, end, region=""):
        return self.context.app.supervision(date.fromisoformat(start), date.fromisoformat(end), region)

    @command_rpc
    @command("overdue_supervisions")
    def overdue_supervisions(self, as_of=None, unit=None, region=""):
        return self.context.app.overdue(date.fromisoformat(as_of) if as_of else None, unit, region)

    @command_rpc
    @command("acceptance_worklist")
    def acceptance_worklist(self, region=""):
        return self.context.app.worklist("acceptance", region=region)

    @command_rpc
    @command("assignment_worklist")
    def assignment_worklist(self, unit=None):
        return self.context.app.worklist("assignments", unit=unit)

    @command_rpc
    @command("letter_worklist")
    def letter_worklist(self, unit=None):
        return self.context.app.worklist("letters", unit=unit)

    @command_rpc
    @command("pre_review_worklist")
    def pre_review_worklist(self):
        return self.context.app.worklist("pre_review")

    @command_rpc
    @command("petitions_of_person")
    def petitions_of_person(self, petitioner_ref, limit=20):
        return self.context.app.petitions_of_person(str(petitioner_ref), count(limit, "limit"))

    @command_rpc
    @command("audit")
    def audit(self, subject, limit=200, since=None, until=None):
        """The audit trail of a petition, record, actor or correlation id (Statistics.audit)."""
        return self.context.app.audit(str(subject), count(limit, "limit"), moment(since, "since"),
                                      moment(until, "until"))

    # -- bulletins (通报) ----------------------------------------------------------------------------
    def _bulletin(self, bulletin):
        app = self.bulletins.app
        return bulletin_view(bulletin, app.history(bulletin.id))

    @command_rpc
    @command("compile_bulletin")
    def compile_bulletin(self, kind, day, region=""):
        return self._bulletin(self.bulletins.app.compile(kind, date.fromisoformat(day), region))

    @command_rpc
    @command("publish_bulletin")
    def publish_bulletin(self, bulletin_id):
        return self._bulletin(self.bulletins.app.publish(UUID(bulletin_id)))

    @command_rpc
    @command("correct_bulletin")
    def correct_bulletin(self, bulletin_id, reason):
        return self._bulletin(self.bulletins.app.correct(UUID(bulletin_id), reason))

    @command_rpc
    @command("get_bulletin")
    def get_bulletin(self, bulletin_id):
        return self._bulletin(self.bulletins.app.get(UUID(bulletin_id)))

    @command_rpc
    @command("bulletins")
    def list_bulletins(self, kind=None, status=None):
        return [bulletin_view(b, figures=False) for b in self.bulletins.app.list(kind, status)]

    @rpc
    def rebuild(self):
        """Empties the statistics and reprocesses every source from its first event, in the
        background (rebuild_progress)."""
        return self.context.rebuild(self.context.app.start_rebuild)

    @rpc
    def rebuild_progress(self):
        return self.context.rebuilding()

    @timer(interval=60, eager=True)
    def move_running_day(self):
        """Once a day, soon after midnight: the summary reads today's running limits from cells."""
        self.context.app.move_running_day()

    @rpc
    def parked_events(self):
        return self.context.app.parked_events()

    @rpc
    def tracking(self):
        return {s: self.context.followers[s].tracked for s in SOURCES}
