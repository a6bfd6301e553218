"""Pre-aggregated statistics (decision 0015): what each petition, agency event and mediation counts,
summed per day and per month, so that a summary or a volume series reads a few thousand cells
instead of every fact row.

A petition's contribution is computed by one SQL expression (CONTRIBUTION), as if "now" were the end
of time: every undecided petition past its limit, every unreplied assignment past its limit and every
unrated reply past its window counts as overdue or expired. The cubes hold those sums. A summary
"as of" a day subtracts, for the few petitions whose limits still run on that day (found by partial
indexes on the deadlines), the difference between their contribution then and at the end of time.
The same expression builds the cubes from zero and checks them, so the three cannot disagree.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from psycopg.sql import SQL, Composed, Identifier, Literal

# What a petition counts (件次), each a SQL expression over the petition p and its assignments a,
# grouped per petition; %(as_of)s is the day the limits are judged on.
MEASURES = {
    "received": "1",
    "accepted": "(p.decision = 'accepted')::int",
    "decided_in_time": "coalesce(p.timely, false)::int",
    "decided_late": "coalesce(NOT p.timely, false)::int",
    "undecided_overdue": "(p.decision IS NULL AND coalesce(p.acceptance_deadline < %(as_of)s, false))::int",
    "repeats": "coalesce(p.is_repeat, false)::int",
    "replied_on_time": "count(a.assignment_id) FILTER (WHERE a.on_time)",
    "replied_late": "count(a.assignment_id) FILTER (WHERE NOT a.on_time)",
    "unreplied_overdue": "count(a.assignment_id) FILTER (WHERE a.replied_on IS NULL "
                         "AND a.handling_deadline < %(as_of)s)",
    "rated": "count(a.assignment_id) FILTER (WHERE a.rating IS NOT NULL)",
    "satisfied": "count(a.assignment_id) FILTER (WHERE a.rating IN ('satisfied', 'basically_satisfied'))",
    "expired_unrated": "count(a.assignment_id) FILTER (WHERE a.replied_on IS NOT NULL AND a.rating IS NULL "
                       "AND a.evaluation_deadline < %(as_of)s)",
    # resolution (statistics.rates): each petition once
    "resolved": "({resolved})::int",
    "concluded": "({concluded})::int",
    "first_resolved": "(({resolved}) AND NOT coalesce(p.is_repeat, false))::int",
    "first_concluded": "(({concluded}) AND NOT coalesce(p.is_repeat, false))::int",
}
RESOLVED = ("coalesce(p.mediation_agreed, p.mediation_outcome = 'agreed', false) OR coalesce(p.backlog_outcome = 'resolved', false) "
            "OR coalesce(bool_or(a.rating IN ('satisfied', 'basically_satisfied')), false)")
CONCLUDED = ("p.mediation_outcome IS NOT NULL OR p.backlog_outcome IS NOT NULL OR coalesce(bool_or("
             "a.rating IS NOT NULL OR (a.replied_on IS NOT NULL AND a.evaluation_deadline < %(as_of)s)), false)")
# Per person (人次): each measure again, weighted by the people the petition stands for (a group
# visit of 30 counts 30).
WEIGHTED = {f"{name}_persons": f"({expr}) * coalesce(p.group_size, 1)" for name, expr in MEASURES.items()}
PETITION_MEASURES = tuple(MEASURES) + tuple(WEIGHTED)

# One row per registered petition: the cells it is counted in, and its measures.
CONTRIBUTION = """
    SELECT p.petition_id, p.received_on AS day, left(p.region_code, {area}) AS region_code,
           coalesce(max(a.unit_id), '') AS unit_id,
           p.channel, p.category, coalesce(p.matter_type, '') AS matter_type,
           coalesce(p.group_size, 1) AS headcount, {measures}
    FROM {petitions} p LEFT JOIN {assignments} a USING (petition_id)
    WHERE p.received_on IS NOT NULL AND {where}
    GROUP BY p.petition_id"""

# The volume cube's dimensions for a petition (the agency events and mediations have their own).
PETITION_DIMENSIONS = ("channel", "category", "matter_type")
END_OF_TIME = date.max  # 'infinity' would do in SQL; a real date keeps Python and SQL alike
GRAINS = {"d": "day", "m": "month"}

# Cells are per township at the finest (9 digits of the region code): per village, the cells would
# be nearly as many as the petitions. A village's figures (a longer prefix) are summed from the facts.
AREA_DIGITS = 9
CUBES = {
    # per day or month × area: every count the summary needs
    "cube_petitions": (("region_code",), PETITION_MEASURES),
    # the resolved ones again per handling unit, for the level of resolution (化解层级)
    "cube_resolved": (("region_code", "unit_id"), ("resolved", "resolved_persons")),
    # per (dimension, key) × day or month × area: petitions by channel, category and matter type,
    # agency events by type, mediations opened
    "cube_volumes": (("dimension", "region_code", "key"), ("count", "persons")),
    # for the day the limits are judged on (the running day, normally today): what the petitions
    # whose limits still run count in the cubes but not yet on that day, per cell
    "cube_running": (("region_code", "as_of"), PETITION_MEASURES),
}
RUNNING = "cube_running"


def measure_sql(as_of: str = "as_of") -> str:
    exprs = {**MEASURES, **WEIGHTED}
    # a comparison with a column not yet set is NULL: it counts 0
    return ", ".join(f"coalesce(({expr.format(resolved=RESOLVED, concluded=CONCLUDED)}), 0) AS {name}"
                     for name, expr in exprs.items()).replace("%(as_of)s", f"%({as_of})s")


def contribution_sql(table, where: str, as_of: str = "as_of") -> Composed:
    """One row per petition matching `where`, its limits judged on the parameter named `as_of`."""
    return SQL(CONTRIBUTION.format(measures=measure_sql(as_of), petitions="{}", assignments="{}", where=where,
                                   area=AREA_DIGITS)).format(
        table("petitions"), table("assignments"))


def cell_key(dims: tuple[str, ...]) -> tuple[str, ...]:
    """A volume series reads one dimension (channel, category…): it leads the key."""
    if dims[0] == "dimension":
        return ("dimension", "grain", "period", *dims[1:])
    return ("grain", "period", *dims)


def create_statements(table, prefix: str) -> list[Composed]:
    statements = []
    for cube, (dims, measures) in CUBES.items():
        cols = ", ".join([f"{d} text NOT NULL" for d in dims] + [f"{m} bigint NOT NULL DEFAULT 0" for m in measures])
        statements.append(SQL(
            f"CREATE TABLE IF NOT EXISTS {{}} (grain char(1) NOT NULL, period date NOT NULL, {cols}, "
            f"PRIMARY KEY ({', '.join(cell_key(dims))}))").format(table(cube)))
    # The petitions whose limits may still run: few, whatever the size of the history.
    for name, facts, definition in (
            ("undecided", "petitions", "(acceptance_deadline) WHERE decision IS NULL"),
            ("unreplied", "assignments", "(handling_deadline) WHERE replied_on IS NULL"),
            ("unrated", "assignments", "(evaluation_deadline) WHERE replied_on IS NOT NULL AND rating IS NULL")):
        statements.append(SQL(f"CREATE INDEX IF NOT EXISTS {{}} ON {{}} {definition}").format(
            Identifier(f"{prefix}{facts}_{name}"), table(facts)))
    return statements


# -- keeping the cubes up to date, in the transaction that changes the facts ----------------------
class Deltas:
    """Cell → change of each measure, over both grains."""

    def __init__(self):
        self.cells: dict[tuple, list[int]] = defaultdict(lambda: None)

    def add(self, cube: str, day: date, dims: tuple, values, sign: int) -> None:
        for grain, period in (("d", day), ("m", day.replace(day=1))):
            key = (cube, grain, period, *dims)
            current = self.cells[key]
            if current is None:
                current = self.cells[key] = [0] * len(values)
            for i, v in enumerate(values):
                current[i] += sign * v

    def add_petitions(self, rows: list[dict], sign: int) -> None:
        for row in rows:
            self.add("cube_petitions", row["day"], (row["region_code"],), [row[m] for m in PETITION_MEASURES], sign)
            if row["resolved"]:
                self.add("cube_resolved", row["day"], (row["region_code"], row["unit_id"]),
                         (row["resolved"], row["resolved_persons"]), sign)
            for dimension in PETITION_DIMENSIONS:
                self.add("cube_volumes", row["day"], (dimension, row["region_code"], row[dimension]),
                         (1, row["headcount"]), sign)

    def add_running(self, at_end: list[dict], on_day: list[dict], day: date, sign: int) -> None:
        """What each petition counts at the end of time but not yet on `day` (the running day)."""
        then = {row["petition_id"]: row for row in on_day}
        for row in at_end:
            difference = [row[m] - then[row["petition_id"]][m] for m in PETITION_MEASURES]
            if any(difference):
                self.add(RUNNING, row["day"], (row["region_code"], day.isoformat()), difference, sign)

    def add_volume(self, rows: list[dict], dimension: str, sign: int) -> None:
        for row in rows:
            self.add("cube_volumes", row["day"], (dimension, row["region_code"], row["key"]), (1, 1), sign)

    def apply(self, curs, table) -> None:
        changed = sorted((k, v) for k, v in self.cells.items() if v and any(v))  # one order: no deadlock
        for cube, (dims, measures) in CUBES.items():
            rows = [(*key[1:], *values) for key, values in changed if key[0] == cube]
            if not rows:
                continue
            names = ("grain", "period", *dims, *measures)
            curs.executemany(SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (grain, period, {}) DO UPDATE SET {}")
                             .format(table(cube), SQL(", ").join(map(Identifier, names)),
                                     SQL(", ").join(SQL("%s") for _ in names),
                                     SQL(", ").join(map(Identifier, dims)),
                                     SQL(", ").join(SQL("{0} = {1}.{0} + EXCLUDED.{0}").format(
                                         Identifier(m), table(cube)) for m in measures)), rows)


def petition_contributions(curs, table, ids: list[str], as_of: date = END_OF_TIME) -> list[dict]:
    if not ids:
        return []
    curs.execute(contribution_sql(table, "p.petition_id = ANY(%(ids)s::uuid[])"), {"ids": ids, "as_of": as_of})
    return list(curs.fetchall())


# The petitions whose limits may still run on %(day)s: few, found by the partial indexes.
RUNNING_PETITIONS = """p.petition_id = ANY(ARRAY(
    SELECT petition_id FROM {petitions} WHERE decision IS NULL AND acceptance_deadline >= %(day)s
    UNION SELECT petition_id FROM {assignments} WHERE replied_on IS NULL AND handling_deadline >= %(day)s
    UNION SELECT petition_id FROM {assignments} WHERE replied_on IS NOT NULL AND rating IS NULL
                                                AND evaluation_deadline >= %(day)s))"""


def running_statements(table, day: date) -> list[Composed]:
    """The running cells for `day`, from the facts (replacing any earlier day's)."""
    where = RUNNING_PETITIONS.format(petitions=table("petitions").as_string(None),
                                     assignments=table("assignments").as_string(None))
    differences = SQL(", ").join(SQL("sum(e.{0} - d.{0})").format(Identifier(m)) for m in PETITION_MEASURES)
    names = SQL(", ").join(map(Identifier, PETITION_MEASURES))
    statements = [SQL("DELETE FROM {}").format(table(RUNNING))]
    for grain, trunc in (("d", "day"), ("m", "month")):
        statements.append(SQL(
            f"INSERT INTO {{}} (grain, period, region_code, as_of, {{}}) SELECT '{grain}', "
            f"date_trunc('{trunc}', e.day)::date, e.region_code, %(day_text)s, {{}} "
            "FROM ({}) e JOIN ({}) d USING (petition_id) GROUP BY 2, 3").format(
                table(RUNNING), names, differences, contribution_sql(table, where, "end_of_time"),
                contribution_sql(table, where, "day")))
    return statements


def volume_contributions(curs, table, kind: str, ids: list[str]) -> list[dict]:
    """Agency events by type, and mediations opened, as volume cells."""
    if not ids:
        return []
    if kind == "agency_events":
        query = SQL(f"SELECT occurred_on AS day, left(region_code, {AREA_DIGITS}) AS region_code, type AS key FROM {{}} "
                    "WHERE agency_event_id = ANY(%(ids)s::uuid[]) AND occurred_on IS NOT NULL")
    else:
        query = SQL(f"SELECT opened_on AS day, left(region_code, {AREA_DIGITS}) AS region_code, 'opened' AS key "
                    "FROM {} "
                    "WHERE mediation_id = ANY(%(ids)s::uuid[]) AND opened_on IS NOT NULL AND region_code IS NOT NULL")
    curs.execute(query.format(table(kind)), {"ids": ids})
    return list(curs.fetchall())


VOLUME_SOURCES = {"agency_events": "agency", "mediations": "mediation"}


def lock_petitions(curs, ids: list[str]) -> None:
    """Two sources' events about one petition (its acceptance, its assignment's reply) must not
    compute their before/after contributions from each other's half-written state."""
    if ids:
        curs.execute("SELECT pg_advisory_xact_lock(hashtextextended(id, 0)) FROM unnest(%s::text[]) AS id "
                     "ORDER BY id", (sorted(ids),))


def rebuild_statements(table) -> list[Composed]:
    """Every cube from the fact rows, in SQL (after a bulk load, and to check the incremental ones)."""
    petitions = contribution_sql(table, "true")
    sums = SQL(", ").join(SQL("sum({0})").format(Identifier(m)) for m in PETITION_MEASURES)
    names = SQL(", ").join(map(Identifier, PETITION_MEASURES))
    volumes = SQL("INSERT INTO {} (grain, period, region_code, dimension, key, count, persons) ").format(
        table("cube_volumes"))
    statements = [SQL("TRUNCATE {}").format(table(cube)) for cube in CUBES if cube != RUNNING]
    for grain, trunc in (("d", "day"), ("m", "month")):
        def cell(column: str, grain=grain, trunc=trunc) -> SQL:  # constants of ours, not input
            return SQL(f"'{grain}', date_trunc('{trunc}', {column})::date")
        statements.append(SQL(
            "INSERT INTO {} (grain, period, region_code, {}) SELECT {}, region_code, {} "
            "FROM ({}) c GROUP BY 2, 3").format(table("cube_petitions"), names, cell("day"), sums, petitions))
        statements.append(SQL(
            "INSERT INTO {} (grain, period, region_code, unit_id, resolved, resolved_persons) "
            "SELECT {}, region_code, unit_id, sum(resolved), sum(resolved_persons) FROM ({}) c "
            "WHERE resolved > 0 GROUP BY 2, 3, 4").format(table("cube_resolved"), cell("day"), petitions))
        for dimension in PETITION_DIMENSIONS:
            statements.append(volumes + SQL(
                "SELECT {}, region_code, {}, {}, count(*), sum(headcount) FROM ({}) c GROUP BY 2, 3, 5").format(
                    cell("day"), Literal(dimension), Identifier(dimension),
                    petitions))
        statements.append(volumes + SQL(
            f"SELECT {{}}, left(region_code, {AREA_DIGITS}), 'agency', type, count(*), count(*) FROM {{}} "
            "WHERE occurred_on IS NOT NULL GROUP BY 2, 3, 5").format(
                cell("occurred_on"), table("agency_events")))
        statements.append(volumes + SQL(
            f"SELECT {{}}, left(region_code, {AREA_DIGITS}), 'mediation', 'opened', count(*), count(*) FROM {{}} "
            "WHERE opened_on IS NOT NULL AND region_code IS NOT NULL GROUP BY 2, 3").format(
                cell("opened_on"), table("mediations")))
    return statements


# -- reading ------------------------------------------------------------------------------------------
def whole_months(start: date, end: date) -> tuple[date, date]:
    """The months lying wholly inside [start, end], as [first, after): read from the month cells;
    the days around them from the day cells."""
    first = start if start.day == 1 else (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after_end = end + timedelta(days=1)
    after = after_end.replace(day=1)
    return (first, after) if first < after else (first, first)


def period_filter(start: date, end: date, use_months: bool = True) -> tuple[SQL, dict]:
    first, after = whole_months(start, end) if use_months else (start, start)
    return (SQL("((grain = 'm' AND period >= %(m_first)s AND period < %(m_after)s) OR (grain = 'd' AND "
                "period BETWEEN %(start)s AND %(end)s AND NOT (period >= %(m_first)s AND period < %(m_after)s)))"),
            {"m_first": first, "m_after": after, "start": start, "end": end})
