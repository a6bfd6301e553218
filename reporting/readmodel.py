"""The statistics read model in PostgreSQL: fact rows, written with their tracking position in one
transaction (eventsourcing's tracking recorder), and the queries the statistics are computed from."""
from __future__ import annotations

from datetime import date

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from psycopg.sql import SQL, Identifier

from reporting import audit, audit_store, cubes, worklists
from reporting.facts import FactUpdate, updates
from reporting.statistics import ANSWERED_LETTERS, LETTERS, RESOLVED_RATINGS

COLUMNS = {
    "petitions": ("petition_id", {
        "channel": "text", "region_code": "text", "category": "text", "matter_type": "text",
        "received_on": "date", "acceptance_deadline": "date", "petitioner_ref": "text",
        "is_repeat": "boolean", "group_size": "integer", "decision": "text", "decided_on": "date", "timely": "boolean",
        "mediation_outcome": "text", "mediation_agreed": "boolean", "backlog_outcome": "text"}),
    "assignments": ("assignment_id", {
        "petition_id": "uuid", "unit_id": "text", "handling_deadline": "date", "replied_on": "date",
        "on_time": "boolean", "outcome": "text", "evaluation_deadline": "date", "rating": "text",
        "rated_on": "date",
        # the work queues' (reporting.worklists): no statistic reads them
        "sign_deadline": "date", "signed_on": "date", "drafted_on": "date", "stage": "text"}),
    "agency_events": ("agency_event_id", {
        "agency": "text", "type": "text", "region_code": "text", "occurred_on": "date"}),
    "mediations": ("mediation_id", {
        "opened_on": "date", "region_code": "text", "category": "text", "source": "text", "first_layer": "text",
        "outcome": "text", "agreed_layer": "text", "agreed_on": "date", "ended_on": "date",
        "confirmation_applied_on": "date", "confirmed": "boolean", "confirmation_decided_on": "date",
        "petition_id": "uuid"}),
    # one row per layer a mediation entered; its region and period are its mediation's (a join)
    "mediation_layers": ("layer_id", {
        "mediation_id": "uuid", "layer": "text", "entered_on": "date", "outcome": "text"}),
    # one row per backlog case (信访积案); the leader columns are its latest owner's
    "backlog_cases": ("case_id", {
        "petition_id": "uuid", "designated_on": "date", "region_code": "text", "category": "text",
        "trigger": "text", "leader_id": "text", "leader_name": "text", "leader_level": "text",
        "resolved_on": "date", "terminated_on": "date"}),
    # one row per month a backlog case went without review; its region and period are its case's (a join)
    "backlog_missed_reviews": ("review_id", {"case_id": "uuid", "month": "text", "leader_id": "text"}),
    # one row per supervision (督查督办: a watched limit or a matter taken up by hand); its unit and
    # deadline are the latest (a re-routing or an extension moves them)
    "supervisions": ("supervision_id", {
        "kind": "text", "subject_id": "text", "petition_id": "uuid", "unit_id": "text", "region_code": "text",
        "deadline": "date", "manual": "boolean", "opened_on": "date", "closed_on": "date",
        "closed_on_time": "boolean"}),
    # one row per letter a supervision issued (提醒函, 预警函, 督办函, 问责建议函), with its answer
    "letters": ("letter_id", {
        "supervision_id": "uuid", "letter": "text", "unit_id": "text", "region_code": "text", "issued_on": "date",
        "reply_by": "date", "answered_on": "date", "answered_on_time": "boolean", "adopted": "boolean"}),
    # one row per listed supervision (挂牌督办)
    "listings": ("listing_id", {
        "target": "text", "target_id": "text", "unit_id": "text", "region_code": "text",
        "correction_deadline": "date", "listed_on": "date", "lifted_on": "date", "lifted_on_time": "boolean"}),
}
INDEXES = ("CREATE INDEX IF NOT EXISTS {pfx}petitions_received ON {schema}.{pfx}petitions (received_on, region_code)",
           # the work queues (reporting.worklists) and the repeat check before a registration
           "CREATE INDEX IF NOT EXISTS {pfx}petitions_undecided ON {schema}.{pfx}petitions (acceptance_deadline) "
           "WHERE decision IS NULL",
           "CREATE INDEX IF NOT EXISTS {pfx}petitions_person ON {schema}.{pfx}petitions (petitioner_ref)",
           "CREATE INDEX IF NOT EXISTS {pfx}assignments_open ON {schema}.{pfx}assignments (unit_id, stage)",
           "CREATE INDEX IF NOT EXISTS {pfx}assignments_petition ON {schema}.{pfx}assignments (petition_id)",
           "CREATE INDEX IF NOT EXISTS {pfx}agency_events_on ON {schema}.{pfx}agency_events (occurred_on, region_code)",
           "CREATE INDEX IF NOT EXISTS {pfx}mediations_opened ON {schema}.{pfx}mediations (opened_on, region_code)",
           "CREATE INDEX IF NOT EXISTS {pfx}mediation_layers_of ON {schema}.{pfx}mediation_layers (mediation_id)",
           "CREATE INDEX IF NOT EXISTS {pfx}backlog_cases_designated ON {schema}.{pfx}backlog_cases "
           "(designated_on, region_code)",
           "CREATE INDEX IF NOT EXISTS {pfx}backlog_missed_reviews_of ON {schema}.{pfx}backlog_missed_reviews (case_id)",
           "CREATE INDEX IF NOT EXISTS {pfx}supervisions_deadline ON {schema}.{pfx}supervisions (deadline, region_code)",
           "CREATE INDEX IF NOT EXISTS {pfx}letters_issued ON {schema}.{pfx}letters (issued_on, region_code)",
           "CREATE INDEX IF NOT EXISTS {pfx}letters_of ON {schema}.{pfx}letters (supervision_id)",
           "CREATE INDEX IF NOT EXISTS {pfx}listings_listed ON {schema}.{pfx}listings (listed_on, region_code)")


class StatisticsReadModel(PostgresTrackingRecorder):
    prefix = "stats_"

    def __init__(self, datastore, **kwargs):
        super().__init__(datastore, **kwargs)
        self.schema = self.datastore.schema
        self._upserts: dict[tuple, object] = {}  # (table, columns) → the upsert statement
        for table, (key, columns) in COLUMNS.items():
            cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
            self.sql_create_statements.append(SQL(
                f"CREATE TABLE IF NOT EXISTS {{}}.{{}} ({key} uuid PRIMARY KEY, {cols})"
            ).format(Identifier(self.schema), Identifier(self.prefix + table)))
            for name, kind in columns.items():  # a read model made before a column was added
                self.sql_create_statements.append(SQL(f"ALTER TABLE {{}}.{{}} ADD COLUMN IF NOT EXISTS {name} {kind}")
                                                  .format(Identifier(self.schema), Identifier(self.prefix + table)))
        for statement in INDEXES:
            self.sql_create_statements.append(SQL(statement.format(
                pfx=self.prefix, schema="{}")).format(Identifier(self.schema), Identifier(self.schema)))
        self.sql_create_statements += cubes.create_statements(self.table, self.prefix)
        self.sql_create_statements += audit_store.create_statements(self.table, self.prefix)
        for table, column in (("rebuild", "started_at timestamptz"), ("running_day", "as_of date")):
            self.sql_create_statements.append(SQL(f"CREATE TABLE IF NOT EXISTS {{}} ({column} NOT NULL)")
                                              .format(self.table(table)))

    def table(self, name: str) -> Identifier:
        return Identifier(self.schema, self.prefix + name)

    # -- writing ----------------------------------------------------------------------------
    def tracked_position(self, source: str) -> int:
        return self.max_tracking_id(source) or 0

    def process(self, source: str, envelope: dict) -> bool:
        return self.process_batch(source, [envelope])

    def process_batch(self, source: str, envelopes: list[dict]) -> bool:
        """Applies the events' facts in order, keeps the cubes up to date, writes the events' audit
        entries and records the last position, in one transaction. Every event has an audit entry,
        so every batch writes (True)."""
        facts = [update for envelope in envelopes for update in updates(envelope)]
        with self.datastore.transaction(commit=True) as curs:
            self._audit(curs, source, envelopes)
            if not facts:  # only the trail: no statistic changes, no lock on the running day
                self._insert_tracking(curs, Tracking(source, envelopes[-1]["position"]))
                return True
            running_day = self._running_day(curs, share=True)
            petitions = self._petitions_touched(curs, facts)
            cubes.lock_petitions(curs, petitions)
            volumes = {table: sorted({u.key for u in facts if u.table == table}) for table in cubes.VOLUME_SOURCES}
            deltas = cubes.Deltas()
            for sign in (-1, +1):  # before the facts, then after them
                if sign > 0:
                    self._apply(curs, facts)
                at_end = cubes.petition_contributions(curs, self.table, petitions)
                deltas.add_petitions(at_end, sign)
                if running_day:
                    deltas.add_running(at_end, cubes.petition_contributions(curs, self.table, petitions, running_day),
                                       running_day, sign)
                for table, ids in volumes.items():
                    deltas.add_volume(cubes.volume_contributions(curs, self.table, table, ids),
                                      cubes.VOLUME_SOURCES[table], sign)
            deltas.apply(curs, self.table)
            self._insert_tracking(curs, Tracking(source, envelopes[-1]["position"]))
        return True

    def _petitions_touched(self, curs, facts: list[FactUpdate]) -> list[str]:
        """The petitions whose contribution the facts may change: their own rows, and those of the
        assignments they change (named by the fact, or by the assignment's row)."""
        ids = {u.key for u in facts if u.table == "petitions"}
        ids |= {u.values["petition_id"] for u in facts if u.table == "assignments" and u.values.get("petition_id")}
        assignments = sorted({u.key for u in facts if u.table == "assignments" and not u.values.get("petition_id")})
        if assignments:
            curs.execute(SQL("SELECT DISTINCT petition_id::text AS id FROM {} WHERE assignment_id = ANY(%s::uuid[]) "
                             "AND petition_id IS NOT NULL").format(self.table("assignments")), (assignments,))
            ids |= {row["id"] for row in curs.fetchall()}
        return sorted(ids)

    def _apply(self, curs, facts: list[FactUpdate]) -> None:
        """The facts of a row merged in the events' order (each upsert sets only its own columns,
        so the later value of a column wins, as one upsert after another would), then one round
        trip per table and set of columns."""
        rows: dict[tuple[str, str], dict] = {}
        for update in facts:
            rows.setdefault((update.table, update.key), {}).update(update.values)
        shapes: dict[tuple, list[dict]] = {}
        for (table, key), values in rows.items():
            shapes.setdefault((table, tuple(values)), []).append({"key": key, **values})
        for (table, names), params in shapes.items():
            curs.executemany(self._upsert(table, names), params)

    def record_position(self, source: str, position: int) -> None:
        self.insert_tracking(Tracking(source, position))

    def _upsert(self, table: str, names: tuple[str, ...]):
        if (table, names) not in self._upserts:
            self._upserts[(table, names)] = self._compose_upsert(table, names)
        return self._upserts[(table, names)]

    def _compose_upsert(self, table: str, names: tuple[str, ...]):
        key, _ = COLUMNS[table]
        return SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO UPDATE SET {}").format(
            self.table(table),
            SQL(", ").join(Identifier(n) for n in [key, *names]),
            SQL(", ").join(SQL("%({})s").format(SQL(n)) for n in ["key", *names]),
            Identifier(key),
            SQL(", ").join(SQL("{0} = EXCLUDED.{0}").format(Identifier(n)) for n in names))

    def park(self, source: str, envelope: dict, reason: str) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE TABLE IF NOT EXISTS {} (source text, position bigint, type text, "
                             "reason text, parked_at timestamptz DEFAULT now(), "
                             "PRIMARY KEY (source, position))").format(self.table("parked")))
            # Kept through a rebuild (the operator's record of what failed): parked again, it is updated.
            curs.execute(SQL("INSERT INTO {} (source, position, type, reason) VALUES (%s, %s, %s, %s) "
                             "ON CONFLICT (source, position) DO UPDATE SET type = excluded.type, "
                             "reason = excluded.reason, parked_at = now()")
                         .format(self.table("parked")), (source, envelope["position"], envelope["type"], reason))
            # Its statistics failed, its trail did not: who did what stays on record.
            self._audit(curs, source, [envelope])
            self._insert_tracking(curs, Tracking(source, envelope["position"]))

    def _audit(self, curs, source: str, envelopes: list[dict]) -> None:
        entries = (audit.entry(source, e) for e in envelopes)
        audit_store.write(curs, self.table, [e for e in entries if e is not None],
                          [pair for e in envelopes for pair in audit.links(e)])

    def audit(self, subject: str, limit: int = 200, since=None, until=None) -> list[dict]:
        """The audit trail of a petition (with its records'), a record, an actor or a request,
        oldest first (reporting.audit_store.read)."""
        with self.datastore.transaction(commit=False) as curs:
            return audit_store.read(curs, self.table, subject, audit.bounded_limit(limit), since, until)

    def parked_events(self, limit: int = 100) -> list[dict]:
        """What reporting gave up on. Its replay is a rebuild (`./run rebuild-statistics --from-zero`)
        once the cause is fixed: the figures are derived, so reprocessing everything is safe."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SELECT to_regclass(%s) AS found", (f"{self.schema}.{self.prefix}parked",))
            if curs.fetchone()["found"] is None:
                return []
            curs.execute(SQL("SELECT source, position, type, reason, parked_at FROM {} ORDER BY parked_at LIMIT %s")
                         .format(self.table("parked")), (limit,))
            return [{**row, "parked_at": row["parked_at"].isoformat()} for row in curs.fetchall()]

    def reset(self) -> None:
        """Empties the read model and its tracking, so the followers rebuild it from zero, and marks
        the rebuild as under way (in the same transaction) until `finish_rebuild`: a rebuild cut
        short by a crash goes on from the tracked positions when the service starts again."""
        # The audit trail is kept (reporting.audit_store): reprocessing rewrites each entry as it was.
        # DELETE, not TRUNCATE: a summary being read meanwhile keeps its snapshot instead of
        # deadlocking with the table locks TRUNCATE takes one table at a time.
        with self.datastore.transaction(commit=True) as curs:
            for table in (*COLUMNS, *cubes.CUBES, "rebuild", "running_day"):
                curs.execute(SQL("DELETE FROM {}").format(self.table(table)))
            curs.execute(SQL("DELETE FROM {}").format(Identifier(self.schema, self.tracking_table_name)))
            curs.execute(SQL("INSERT INTO {} (started_at) VALUES (now())").format(self.table("rebuild")))

    def rebuild_started_at(self):
        """When the rebuild under way started, or None."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT started_at FROM {}").format(self.table("rebuild")))
            row = curs.fetchone()
        return row["started_at"] if row else None

    def finish_rebuild(self) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("DELETE FROM {}").format(self.table("rebuild")))

    # -- the running day: the limits judged on it without scanning (module cubes) ----------------
    RUNNING_LOCK = 0x5354_4154_5255_4E  # processing shares it; moving the running day takes it alone

    def _running_day(self, curs, share: bool) -> date | None:
        curs.execute("SELECT pg_advisory_xact_lock_shared(%s)" if share else "SELECT pg_advisory_xact_lock(%s)",
                     (self.RUNNING_LOCK,))
        curs.execute(SQL("SELECT as_of FROM {}").format(self.table("running_day")))
        row = curs.fetchone()
        return row["as_of"] if row else None

    def running_day(self) -> date | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT as_of FROM {}").format(self.table("running_day")))
            row = curs.fetchone()
        return row["as_of"] if row else None

    def move_running_day(self, day: date) -> bool:
        """Computes the running cells for `day` (normally today, once a day), while no event is
        being processed; False when `day` is the running day already."""
        with self.datastore.transaction(commit=True) as curs:
            if self._running_day(curs, share=False) == day:
                return False
            for statement in cubes.running_statements(self.table, day):
                curs.execute(statement, {"day": day, "day_text": day.isoformat(), "end_of_time": cubes.END_OF_TIME})
            curs.execute(SQL("DELETE FROM {}").format(self.table("running_day")))
            curs.execute(SQL("INSERT INTO {} (as_of) VALUES (%s)").format(self.table("running_day")), (day,))
        return True

    # -- reading ----------------------------------------------------------------------------
    def counts(self, start: date, end: date, region: str, as_of: date) -> dict:
        """The summary's counts for the petitions received in the period (statistics.rates), per
        petition and, as `<name>_persons`, per person; from the cubes (module cubes), or for a
        village (a prefix finer than the cubes' areas) from the facts."""
        if len(region) > cubes.AREA_DIGITS:
            return self._counts_from_facts(start, end, region, as_of)
        periods, params = cubes.period_filter(start, end)
        params.update(region=region + "%", as_of=as_of)
        in_cells = SQL("{} AND region_code LIKE %(region)s").format(periods)
        measures = cubes.PETITION_MEASURES
        with self.datastore.transaction(commit=False) as curs:
            sums = SQL(", ").join(SQL("coalesce(sum({0}), 0)::bigint AS {0}").format(Identifier(m)) for m in measures)
            curs.execute(SQL("SELECT {} FROM {} WHERE {}").format(sums, self.table("cube_petitions"), in_cells), params)
            counts = dict(curs.fetchone())
            curs.execute(SQL("SELECT as_of FROM {}").format(self.table("running_day")))
            running_day = curs.fetchone()
            if running_day and running_day["as_of"] == as_of:
                curs.execute(SQL("SELECT {} FROM {} WHERE {} AND as_of = %(as_of_text)s").format(
                    sums, self.table(cubes.RUNNING), in_cells), {**params, "as_of_text": as_of.isoformat()})
                still_running = curs.fetchone()
            else:  # another day than the running one: judged on the facts of the petitions concerned
                still_running = self._limits_still_running(curs, start, end, region, as_of)
            for name in measures:
                counts[name] -= still_running[name]
            curs.execute(SQL("SELECT unit_id, sum(resolved)::bigint AS resolved, sum(resolved_persons)::bigint AS "
                             "resolved_persons FROM {} WHERE {} GROUP BY 1").format(
                                 self.table("cube_resolved"), in_cells), params)
            by_unit = curs.fetchall()
            curs.execute(SQL("SELECT dimension, key, sum(count)::bigint AS n FROM {} WHERE {} "
                             "AND dimension IN ('agency', 'mediation') GROUP BY 1, 2").format(
                                 self.table("cube_volumes"), in_cells), params)
            volumes = curs.fetchall()
        return self._with_breakdowns(counts, by_unit, volumes)

    def _counts_from_facts(self, start: date, end: date, region: str, as_of: date) -> dict:
        params = {"start": start, "end": end, "region": region + "%", "as_of": as_of}
        in_period = "p.received_on BETWEEN %(start)s AND %(end)s AND p.region_code LIKE %(region)s"
        measures = cubes.PETITION_MEASURES
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT unit_id, {} FROM ({}) c GROUP BY unit_id").format(
                SQL(", ").join(SQL("sum({0})::bigint AS {0}").format(Identifier(m)) for m in measures),
                cubes.contribution_sql(self.table, in_period)), params)
            by_unit = curs.fetchall()
            curs.execute(SQL("""
                SELECT 'agency' AS dimension, type AS key, count(*) AS n FROM {} WHERE occurred_on
                       BETWEEN %(start)s AND %(end)s AND region_code LIKE %(region)s GROUP BY 2
                UNION ALL SELECT 'mediation', 'opened', count(*) FROM {} WHERE opened_on
                       BETWEEN %(start)s AND %(end)s AND region_code LIKE %(region)s""").format(
                self.table("agency_events"), self.table("mediations")), params)
            volumes = curs.fetchall()
        counts = {m: sum(row[m] for row in by_unit) for m in measures}
        return self._with_breakdowns(counts, by_unit, volumes)

    @staticmethod
    def _with_breakdowns(counts: dict, by_unit: list[dict], volumes: list[dict]) -> dict:
        counts["resolved_by_unit"] = {row["unit_id"]: row["resolved"] for row in by_unit if row["resolved"]}
        counts["resolved_by_unit_persons"] = {row["unit_id"]: row["resolved_persons"]
                                              for row in by_unit if row["resolved_persons"]}
        counts["agency"] = {row["key"]: row["n"] for row in volumes if row["dimension"] == "agency"}
        counts["mediations"] = sum(row["n"] for row in volumes if row["dimension"] == "mediation")
        counts["persons"] = counts["received_persons"]
        return counts

    def _limits_still_running(self, curs, start: date, end: date, region: str, as_of: date) -> dict:
        """What the cubes count as overdue or expired that is not yet so on `as_of`: the difference
        between then and the end of time, over the petitions with a limit still running."""
        params = {"start": start, "end": end, "region": region + "%", "as_of": as_of, "day": as_of}
        running = ("p.received_on BETWEEN %(start)s AND %(end)s AND p.region_code LIKE %(region)s AND "
                   + cubes.RUNNING_PETITIONS.format(petitions=self.table("petitions").as_string(curs),
                                                    assignments=self.table("assignments").as_string(curs)))
        total = SQL("SELECT {} FROM ({}) c").format(
            SQL(", ").join(SQL("coalesce(sum({0}), 0)::bigint AS {0}").format(Identifier(m))
                           for m in cubes.PETITION_MEASURES),
            cubes.contribution_sql(self.table, running))
        curs.execute(total, {**params, "as_of": cubes.END_OF_TIME})
        at_end = curs.fetchone()
        curs.execute(total, params)
        then = curs.fetchone()
        return {m: at_end[m] - then[m] for m in cubes.PETITION_MEASURES}

    def unit_counts(self, start: date, end: date, region: str, as_of: date) -> list[dict]:
        """Per unit, the assignments of the petitions received in the period: replied on time, late,
        overdue unreplied, rated and satisfied (statistics.unit_rates)."""
        params = {"start": start, "end": end, "region": region + "%", "as_of": as_of,
                  "resolved": list(RESOLVED_RATINGS)}
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("""
                SELECT a.unit_id, count(*) AS assignments,
                       count(*) FILTER (WHERE a.on_time) AS replied_on_time,
                       count(*) FILTER (WHERE NOT a.on_time) AS replied_late,
                       count(*) FILTER (WHERE a.replied_on IS NULL AND a.handling_deadline < %(as_of)s)
                           AS unreplied_overdue,
                       count(*) FILTER (WHERE a.rating IS NOT NULL) AS rated,
                       count(*) FILTER (WHERE a.rating = ANY(%(resolved)s)) AS satisfied
                FROM {} a JOIN {} p USING (petition_id)
                WHERE p.received_on BETWEEN %(start)s AND %(end)s AND p.region_code LIKE %(region)s
                  AND a.unit_id IS NOT NULL
                GROUP BY 1 ORDER BY 1
            """).format(self.table("assignments"), self.table("petitions")), params)
            return [dict(row) for row in curs.fetchall()]

    def volume(self, start: date, end: date, region: str, granularity: str, key: str,
               shift_years: int = 0) -> list[dict]:
        """Per period and key, petitions (by channel, category, matter type or region) and, by
        channel, the agency events and mediations opened, each with its persons (人次); with
        shift_years=1 a year earlier, reported under the period a year later so that the two
        series line up. Month series read the month cells, day and week series the day cells."""
        dimension = "channel" if key == "region" else key
        dimensions = ["channel", "agency", "mediation"] if key == "channel" else [dimension]
        key_len = region_key_length(region)
        key_sql = SQL("left(region_code, %(key_len)s)") if key == "region" else SQL("key")
        if len(region) > cubes.AREA_DIGITS or (key == "region" and key_len > cubes.AREA_DIGITS):
            cells, params = SQL(VOLUME_FACTS).format(self.table("petitions"), self.table("agency_events"),
                                                     self.table("mediations")), {"start": start, "end": end}
        else:
            periods, params = cubes.period_filter(start, end, use_months=granularity == "month")
            cells = SQL("SELECT period, dimension, key, region_code, count, persons FROM {} WHERE {}").format(
                self.table("cube_volumes"), periods)
        params.update(gran=granularity, shift=shift_years, region=region + "%", dimensions=dimensions,
                      key_len=key_len)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("""
                SELECT date_trunc(%(gran)s, period + make_interval(years => %(shift)s))::date AS period,
                       dimension, {} AS key, sum(count)::bigint AS count, sum(persons)::bigint AS persons
                FROM ({}) cells WHERE region_code LIKE %(region)s AND dimension = ANY(%(dimensions)s)
                GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """).format(key_sql, cells), params)
            return [dict(r) for r in curs.fetchall()]

    def rebuild_cubes(self) -> None:
        """Every cube from the fact rows (after a bulk load of facts), the running day's cells too."""
        with self.datastore.transaction(commit=True) as curs:
            running_day = self._running_day(curs, share=False)
            statements = cubes.rebuild_statements(self.table)
            statements += cubes.running_statements(self.table, running_day) if running_day else []
            for statement in statements:
                curs.execute(statement, {"as_of": cubes.END_OF_TIME, "end_of_time": cubes.END_OF_TIME,
                                         "day": running_day, "day_text": running_day and running_day.isoformat()})

    def cube_rows(self) -> dict[str, list[tuple]]:
        """The cubes' non-empty cells, sorted (to compare the incremental cubes with a rebuild)."""
        out = {}
        with self.datastore.transaction(commit=False) as curs:
            for cube, (dims, measures) in cubes.CUBES.items():
                curs.execute(SQL("SELECT * FROM {} ORDER BY grain, period, {}").format(
                    self.table(cube), SQL(", ").join(map(Identifier, dims))))
                out[cube] = [tuple(row.values()) for row in curs.fetchall()
                             if any(row[m] for m in measures)]
        return out

    def mediation_counts(self, start: date, end: date, region: str) -> dict:
        """Mediations opened in the period: their outcomes, the court's confirmations, and per
        layer what was entered and how each layer ended (statistics.mediation_rates)."""
        params = {"start": start, "end": end, "region": region + "%"}
        opened = SQL("m.opened_on BETWEEN %(start)s AND %(end)s AND m.region_code LIKE %(region)s")
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("""
                SELECT count(*) AS opened,
                       count(*) FILTER (WHERE m.outcome = 'agreed') AS agreements,
                       count(*) FILTER (WHERE m.outcome = 'refused') AS refused,
                       count(*) FILTER (WHERE m.outcome = 'failed') AS failed,
                       count(*) FILTER (WHERE m.confirmation_applied_on IS NOT NULL) AS applied,
                       count(*) FILTER (WHERE m.confirmed IS NOT NULL) AS decided,
                       count(*) FILTER (WHERE m.confirmed) AS confirmed
                FROM {} m WHERE {}
            """).format(self.table("mediations"), opened), params)
            counts = dict(curs.fetchone())
            curs.execute(SQL("SELECT m.source, count(*) AS n FROM {} m WHERE {} GROUP BY 1")
                         .format(self.table("mediations"), opened), params)
            counts["by_source"] = {row["source"]: row["n"] for row in curs.fetchall()}
            curs.execute(SQL("""
                SELECT l.layer, count(*) AS entered,
                       count(*) FILTER (WHERE l.outcome = 'agreed') AS agreed,
                       count(*) FILTER (WHERE l.outcome = 'failed') AS failed,
                       count(*) FILTER (WHERE l.outcome = 'refused') AS refused
                FROM {} l JOIN {} m USING (mediation_id) WHERE {} GROUP BY 1
            """).format(self.table("mediation_layers"), self.table("mediations"), opened), params)
            counts["layers"] = {row["layer"]: {k: v for k, v in row.items() if k != "layer"}
                                for row in curs.fetchall()}
        return counts

    def backlog_counts(self, start: date, end: date, region: str, breakdowns: bool = True) -> dict:
        """Backlog cases designated in the period: owned, resolved, terminated, months without
        review, by trigger; with breakdowns, per leader (the case's latest owner) and per region one
        level below the filter (statistics.backlog_rates)."""
        params = {"start": start, "end": end, "region": region + "%", "key_len": region_key_length(region)}
        designated = SQL("c.designated_on BETWEEN %(start)s AND %(end)s AND c.region_code LIKE %(region)s")
        figures = SQL("""count(*) AS designated,
                         count(*) FILTER (WHERE c.leader_id IS NOT NULL) AS owned,
                         count(*) FILTER (WHERE c.resolved_on IS NOT NULL) AS resolved,
                         count(*) FILTER (WHERE c.terminated_on IS NOT NULL) AS terminated""")
        cases = self.table("backlog_cases")
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT {} FROM {} c WHERE {}").format(figures, cases, designated), params)
            counts = dict(curs.fetchone())
            curs.execute(SQL("SELECT count(*) AS n FROM {} r JOIN {} c USING (case_id) WHERE {}")
                         .format(self.table("backlog_missed_reviews"), cases, designated), params)
            counts["reviews_missed"] = curs.fetchone()["n"]
            curs.execute(SQL("SELECT c.trigger, count(*) AS n FROM {} c WHERE {} GROUP BY 1")
                         .format(cases, designated), params)
            counts["by_trigger"] = {row["trigger"]: row["n"] for row in curs.fetchall()}
            if not breakdowns:
                return counts
            curs.execute(SQL("""
                SELECT c.leader_id, max(c.leader_name) AS leader_name, max(c.leader_level) AS level, {}
                FROM {} c WHERE {} AND c.leader_id IS NOT NULL GROUP BY 1
                ORDER BY owned DESC, c.leader_id
            """).format(figures, cases, designated), params)
            counts["by_leader"] = [dict(r) for r in curs.fetchall()]
            curs.execute(SQL("SELECT left(c.region_code, %(key_len)s) AS region, {} FROM {} c WHERE {} "
                             "GROUP BY 1 ORDER BY 1").format(figures, cases, designated), params)
            counts["by_region"] = [dict(r) for r in curs.fetchall()]
        return counts

    def supervision_counts(self, start: date, end: date, region: str, as_of: date, overdue_as_of: date,
                           breakdowns: bool = True) -> dict:
        """Supervision in the period (statistics.supervision_rates): the letters issued in it, per
        letter and, with breakdowns, per unit, and how they were answered (unanswered past the reply
        date as of `as_of`); the watches open past their deadline as of `overdue_as_of` and those
        closed late in the period; listings listed and lifted in it, and still listed as of
        `overdue_as_of`."""
        params = {"start": start, "end": end, "region": region + "%", "as_of": as_of, "cutoff": overdue_as_of,
                  "answered": list(ANSWERED_LETTERS)}
        issued = SQL("l.issued_on BETWEEN %(start)s AND %(end)s AND l.region_code LIKE %(region)s")
        letters = self.table("letters")
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("SELECT l.letter, count(*) AS n FROM {} l WHERE {} GROUP BY 1")
                         .format(letters, issued), params)
            counts = {"by_letter": {row["letter"]: row["n"] for row in curs.fetchall()}}
            curs.execute(SQL("""
                SELECT count(*) FILTER (WHERE l.answered_on IS NOT NULL) AS answered,
                       count(*) FILTER (WHERE l.answered_on_time) AS answered_on_time,
                       count(*) FILTER (WHERE l.answered_on IS NULL AND l.reply_by < %(as_of)s)
                           AS unanswered_overdue
                FROM {} l WHERE {} AND l.letter = ANY(%(answered)s)
            """).format(letters, issued), params)
            counts.update(curs.fetchone())
            curs.execute(SQL("""
                SELECT count(*) FILTER (WHERE l.answered_on IS NOT NULL) AS recommendations_answered,
                       count(*) FILTER (WHERE l.adopted) AS recommendations_adopted
                FROM {} l WHERE {} AND l.letter = 'recommendation'
            """).format(letters, issued), params)
            counts.update(curs.fetchone())
            # Overdue: open on the day (not closed by then) with the deadline before it, or closed
            # late in the period (the watch's own on_time: closed on or before the deadline).
            curs.execute(SQL("""
                SELECT count(*) FILTER (WHERE s.opened_on <= %(cutoff)s AND s.deadline < %(cutoff)s
                                        AND (s.closed_on IS NULL OR s.closed_on > %(cutoff)s)) AS overdue_open,
                       count(*) FILTER (WHERE s.closed_on BETWEEN %(start)s AND %(end)s
                                        AND NOT s.closed_on_time) AS closed_late
                FROM {} s WHERE s.region_code LIKE %(region)s
            """).format(self.table("supervisions")), params)
            counts.update(curs.fetchone())
            curs.execute(SQL("""
                SELECT count(*) FILTER (WHERE t.listed_on BETWEEN %(start)s AND %(end)s) AS listed,
                       count(*) FILTER (WHERE t.lifted_on BETWEEN %(start)s AND %(end)s) AS lifted,
                       count(*) FILTER (WHERE t.lifted_on BETWEEN %(start)s AND %(end)s AND t.lifted_on_time)
                           AS lifted_on_time,
                       count(*) FILTER (WHERE t.listed_on <= %(cutoff)s
                                        AND (t.lifted_on IS NULL OR t.lifted_on > %(cutoff)s)) AS still_listed
                FROM {} t WHERE t.region_code LIKE %(region)s
            """).format(self.table("listings")), params)
            counts.update(curs.fetchone())
            if not breakdowns:
                return counts
            curs.execute(SQL("SELECT l.unit_id, l.letter, count(*) AS n FROM {} l WHERE {} GROUP BY 1, 2")
                         .format(letters, issued), params)
            by_unit: dict[str, dict[str, int]] = {}
            for row in curs.fetchall():
                by_unit.setdefault(row["unit_id"], {})[row["letter"]] = row["n"]
            counts["by_unit"] = by_unit
        return counts

    def overdue_supervisions(self, as_of: date, region: str, unit: str | None) -> list[dict]:
        """Every watch open on `as_of` (opened by then, not closed by then) whose deadline is before
        it, with the highest letter issued by then (statistics.overdue_by_unit)."""
        params = {"as_of": as_of, "region": region + "%", "unit": unit, "ladder": list(LETTERS)}
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("""
                SELECT s.supervision_id::text AS supervision_id, s.unit_id, s.kind, s.subject_id,
                       s.petition_id::text AS petition_id, s.region_code, s.deadline::text AS deadline,
                       s.manual, %(as_of)s::date - s.deadline AS days_overdue,
                       (SELECT l.letter FROM {} l
                        WHERE l.supervision_id = s.supervision_id AND l.issued_on <= %(as_of)s
                        ORDER BY array_position(%(ladder)s::text[], l.letter) DESC LIMIT 1) AS highest_letter
                FROM {} s
                WHERE s.opened_on <= %(as_of)s AND s.deadline < %(as_of)s
                  AND (s.closed_on IS NULL OR s.closed_on > %(as_of)s)
                  AND s.region_code LIKE %(region)s AND (%(unit)s::text IS NULL OR s.unit_id = %(unit)s::text)
                ORDER BY s.unit_id, s.deadline, s.subject_id
            """).format(self.table("letters"), self.table("supervisions")), params)
            return [dict(row) for row in curs.fetchall()]

    def worklist(self, name: str, **params) -> list[dict]:
        """One of reporting.worklists' queues: acceptance, assignments, pre_review, petitions_of_person."""
        with self.datastore.transaction(commit=False) as curs:
            return getattr(worklists, name)(curs, self.table, **params)

    def repeats(self, start: date, end: date, region: str, limit: int) -> dict:
        """Repeat petitions (重复信访) received in the period: totals, and the petitioners and the
        matters (pseudonym, category, county — as intake's MatterIndex) with at least one repeat,
        most repeats first. limit=0 gives the totals only."""
        params = {"start": start, "end": end, "region": region + "%", "limit": limit}
        grouped = SQL("""
            SELECT {keys}, count(*) AS petitions, count(*) FILTER (WHERE is_repeat) AS repeats
            FROM {table} WHERE received_on BETWEEN %(start)s AND %(end)s AND region_code LIKE %(region)s
            GROUP BY {groups} HAVING count(*) FILTER (WHERE is_repeat) > 0
            ORDER BY repeats DESC, petitions DESC, {groups} LIMIT %(limit)s
        """)
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(SQL("""
                SELECT count(*) AS petitions,
                       count(*) FILTER (WHERE is_repeat) AS repeats,
                       count(DISTINCT petitioner_ref) AS persons,
                       count(DISTINCT petitioner_ref) FILTER (WHERE is_repeat) AS repeat_persons
                FROM {} WHERE received_on BETWEEN %(start)s AND %(end)s AND region_code LIKE %(region)s
            """).format(self.table("petitions")), params)
            totals = dict(curs.fetchone())
            curs.execute(grouped.format(keys=SQL("petitioner_ref"), groups=SQL("1"),
                                        table=self.table("petitions")), params)
            petitioners = [dict(r) for r in curs.fetchall()]
            curs.execute(grouped.format(keys=SQL("petitioner_ref, category, left(region_code, 6) AS county"),
                                        groups=SQL("1, 2, 3"), table=self.table("petitions")), params)
            matters = [dict(r) for r in curs.fetchall()]
        return {"totals": totals, "petitioners": petitioners, "matters": matters}


# The volume cells of a village (finer than the cubes' areas), from the facts themselves.
VOLUME_FACTS = """
    SELECT p.received_on AS period, d.dimension, d.key, p.region_code, 1 AS count,
           coalesce(p.group_size, 1) AS persons
    FROM {0} p CROSS JOIN LATERAL (VALUES ('channel', p.channel), ('category', p.category),
                                          ('matter_type', coalesce(p.matter_type, ''))) AS d (dimension, key)
    WHERE p.received_on BETWEEN %(start)s AND %(end)s AND p.region_code LIKE %(region)s
    UNION ALL
    SELECT occurred_on, 'agency', type, region_code, 1, 1 FROM {1}
    WHERE occurred_on BETWEEN %(start)s AND %(end)s AND region_code LIKE %(region)s
    UNION ALL
    SELECT opened_on, 'mediation', 'opened', region_code, 1, 1 FROM {2}
    WHERE opened_on BETWEEN %(start)s AND %(end)s AND region_code LIKE %(region)s"""


def region_key_length(region: str) -> int:
    """Volumes by region break an area down one level: counties, then townships, then villages."""
    return 6 if len(region) < 6 else 9 if len(region) < 9 else 12
