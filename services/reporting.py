"""Reporting service (统计): projects intake's, dispatch's, mediation's, ownership's and supervision's
events into statistics."""
from datetime import date

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment
from nameko.rpc import rpc

from reporting.queries import Statistics
from reporting.readmodel import StatisticsReadModel
from shared.commands import command, command_rpc
from shared.context import Context
from shared.endpoints import Following, Observable

SOURCES = ("intake", "dispatch", "mediation", "ownership", "supervision")


def build(env, settings):
    # The read model holds no personal data (pseudonyms only) and must be queryable, so no cipher.
    factory = PostgresFactory(Environment("reporting", {**env, "CIPHER_TOPIC": "", "CIPHER_KEY": ""}))
    return Statistics(factory.tracking_recorder(StatisticsReadModel), close=factory.close)


class ReportingService(Following, Observable):
    name = "reporting"
    context = Context("reporting", build, follows=SOURCES)

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

    @rpc
    def rebuild(self):
        """Empties the statistics and reprocesses every source from its first event."""
        return self.context.rebuild(self.context.app.readmodel.reset)

    @rpc
    def tracking(self):
        return {s: self.context.followers[s].tracked for s in SOURCES}
