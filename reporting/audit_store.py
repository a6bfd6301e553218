"""The audit trail's tables in reporting's read model (reporting.audit), written inside the read
model's own transactions, so an entry is stored exactly when its tracking position is.

Entries are keyed by (service, position): reprocessing an event (a rebuild, a redelivery that got
past the follower) rewrites the same entry. A statistics rebuild does not empty them: the trail
stays readable throughout, and the reprocessing rewrites each entry as it was.
"""
from __future__ import annotations

from datetime import datetime

from psycopg.sql import SQL, Identifier

from reporting.audit import AuditEntry

ENTRIES, LINKS = "audit_entries", "audit_links"


def create_statements(table, prefix: str) -> list:
    """`table(name)` gives the prefixed, schema-qualified identifier (StatisticsReadModel.table)."""
    entries, links = table(ENTRIES), table(LINKS)
    index = "CREATE INDEX IF NOT EXISTS {} ON {} ({})"
    return [
        SQL("CREATE TABLE IF NOT EXISTS {} (service text NOT NULL, position bigint NOT NULL, "
            "at timestamptz NOT NULL, type text NOT NULL, actor text NOT NULL, aggregate_id text NOT NULL, "
            "petition_id text, correlation_id text, PRIMARY KEY (service, position))").format(entries),
        SQL("CREATE TABLE IF NOT EXISTS {} (aggregate_id text PRIMARY KEY, petition_id text NOT NULL)")
        .format(links),
        *(SQL(index).format(Identifier(f"{prefix}{ENTRIES}_{name}"), entries, SQL(columns))
          for name, columns in (("aggregate", "aggregate_id, at"), ("petition", "petition_id, at"),
                                ("actor", "actor, at"), ("correlation", "correlation_id"))),
        SQL(index).format(Identifier(f"{prefix}{LINKS}_petition"), links, SQL("petition_id")),
    ]


def write(curs, table, entries: list[AuditEntry], links: list[tuple[str, str]]) -> None:
    if entries:
        curs.executemany(SQL(
            "INSERT INTO {} (service, position, at, type, actor, aggregate_id, petition_id, correlation_id) "
            "VALUES (%(service)s, %(position)s, %(at)s, %(type)s, %(actor)s, %(aggregate_id)s, %(petition_id)s, "
            "%(correlation_id)s) ON CONFLICT (service, position) DO UPDATE SET at = EXCLUDED.at, "
            "type = EXCLUDED.type, actor = EXCLUDED.actor, aggregate_id = EXCLUDED.aggregate_id, "
            "petition_id = EXCLUDED.petition_id, correlation_id = EXCLUDED.correlation_id")
            .format(table(ENTRIES)), [e.row() for e in entries])
    if links:
        curs.executemany(SQL("INSERT INTO {} (aggregate_id, petition_id) VALUES (%s, %s) "
                             "ON CONFLICT (aggregate_id) DO NOTHING").format(table(LINKS)), sorted(set(links)))


def read(curs, table, subject: str, limit: int, since: datetime | None, until: datetime | None) -> list[dict]:
    """The entries about `subject` — a petition (with its records'), any record, an actor, or a
    request's correlation id — oldest first."""
    curs.execute(SQL("""
        SELECT service, position, at, type, actor, aggregate_id, petition_id, correlation_id FROM {entries}
        WHERE (aggregate_id = %(s)s OR petition_id = %(s)s OR actor = %(s)s OR correlation_id = %(s)s
               OR aggregate_id IN (SELECT aggregate_id FROM {links} WHERE petition_id = %(s)s))
          AND (%(since)s::timestamptz IS NULL OR at >= %(since)s::timestamptz)
          AND (%(until)s::timestamptz IS NULL OR at <= %(until)s::timestamptz)
        ORDER BY at, service, position LIMIT %(limit)s
    """).format(entries=table(ENTRIES), links=table(LINKS)),
        {"s": subject, "since": since, "until": until, "limit": limit})
    return [{**row, "at": row["at"].isoformat()} for row in curs.fetchall()]
