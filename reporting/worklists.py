"""Work queues (待办) read from reporting's rows: what the reception office has still to decide, what
each handling unit has to sign for and answer, what waits for the bureau's pre-review, and a
person's earlier petitions for the repeat check before a registration is saved.

Only ids, dates, codes and stages: the people and what they wrote stay in intake (the console opens a
petition by its id, and that read is recorded there). Overdue first, then by the nearest limit.
"""
from __future__ import annotations

from datetime import date

from psycopg.sql import SQL

LIMIT = 500
# What the unit must do next, by the assignment's stage (dispatch's statuses).
AWAITING = {"assigned": "sign", "signed": "reply", "objected": "objection_decision", "pre_review": "pre_review"}
OPEN_STAGES = tuple(AWAITING)


def acceptance(curs, table, today: date, region: str) -> list[dict]:
    curs.execute(SQL("""
        SELECT petition_id::text AS petition_id, channel, region_code, category, matter_type,
               received_on, acceptance_deadline, acceptance_deadline - %(today)s AS days_left, is_repeat
        FROM {} WHERE decision IS NULL AND received_on IS NOT NULL AND region_code LIKE %(region)s
        ORDER BY acceptance_deadline, received_on, petition_id LIMIT %(limit)s
    """).format(table("petitions")), {"today": today, "region": region + "%", "limit": LIMIT})
    return [_dates(row) for row in curs.fetchall()]


def assignments(curs, table, today: date, unit: str | None) -> list[dict]:
    """Open assignments (not yet replied), the unit's own or all; the limit that applies now is the
    sign-for limit before signing and the handling limit after."""
    curs.execute(SQL("""
        SELECT a.assignment_id::text AS assignment_id, a.petition_id::text AS petition_id, a.unit_id, a.stage,
               a.signed_on IS NOT NULL AS signed, a.sign_deadline, a.signed_on, a.handling_deadline, a.drafted_on,
               a.handling_deadline - %(today)s AS days_left, p.category, p.region_code, p.received_on,
               CASE WHEN a.stage = 'assigned' THEN a.sign_deadline ELSE a.handling_deadline END AS next_deadline
        FROM {} a LEFT JOIN {} p ON p.petition_id = a.petition_id
        WHERE a.stage = ANY(%(open)s) AND (%(unit)s::text IS NULL OR a.unit_id = %(unit)s::text)
        ORDER BY next_deadline, a.handling_deadline, a.assignment_id LIMIT %(limit)s
    """).format(table("assignments"), table("petitions")),
        {"today": today, "unit": unit, "open": list(OPEN_STAGES), "limit": LIMIT})
    rows = []
    for row in curs.fetchall():
        row = _dates(row)
        row["overdue"] = row.pop("next_deadline") < today.isoformat()
        row["awaiting"] = AWAITING.get(row["stage"])
        rows.append(row)
    return rows


def pre_review(curs, table, today: date) -> list[dict]:
    curs.execute(SQL("""
        SELECT assignment_id::text AS assignment_id, petition_id::text AS petition_id, unit_id,
               drafted_on AS submitted_on, handling_deadline, handling_deadline - %(today)s AS days_left
        FROM {} WHERE stage = 'pre_review' ORDER BY handling_deadline, drafted_on, assignment_id LIMIT %(limit)s
    """).format(table("assignments")), {"today": today, "limit": LIMIT})
    return [_dates(row) for row in curs.fetchall()]


def letters(curs, table, today: date, unit: str | None) -> list[dict]:
    """Supervision letters (督办函 and the rest of the ladder) a unit has not answered yet, the
    nearest reply-by day first; of a closed supervision none (its matter was dealt with)."""
    curs.execute(SQL("""
        SELECT l.letter_id::text AS letter_id, l.supervision_id::text AS supervision_id, l.letter, l.unit_id,
               l.issued_on, l.reply_by, l.reply_by - %(today)s AS days_left, s.kind, s.subject_id,
               s.petition_id::text AS petition_id
        FROM {} l JOIN {} s ON s.supervision_id = l.supervision_id
        WHERE l.answered_on IS NULL AND l.issued_on IS NOT NULL AND s.closed_on IS NULL
          AND (%(unit)s::text IS NULL OR l.unit_id = %(unit)s::text)
        ORDER BY l.reply_by, l.issued_on, l.letter_id LIMIT %(limit)s
    """).format(table("letters"), table("supervisions")), {"today": today, "unit": unit, "limit": LIMIT})
    return [{**_dates(row), "overdue": row["days_left"] is not None and row["days_left"] < 0}
            for row in curs.fetchall()]


def petitions_of_person(curs, table, petitioner_ref: str, limit: int) -> list[dict]:
    curs.execute(SQL("""
        SELECT petition_id::text AS petition_id, received_on, channel, region_code, category, decision, is_repeat
        FROM {} WHERE petitioner_ref = %(ref)s AND received_on IS NOT NULL
        ORDER BY received_on DESC, petition_id LIMIT %(limit)s
    """).format(table("petitions")), {"ref": petitioner_ref, "limit": limit})
    return [_dates(row) for row in curs.fetchall()]


def _dates(row) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in dict(row).items()}
