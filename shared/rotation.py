"""Re-encrypting every stored event and snapshot with the current application key
(`rotate-cipher-key`, decision 0019), and the petitioners' wrapped data keys with it.

It works on the database directly, table by table in batches, while the services run with the new
key and the old ones (`XINFANG_CIPHER_OLD_KEYS`): they read either, and write with the new one. A
record the current key already opens is left as it is, so the command can be interrupted and run
again; when it reports nothing left under an old key, the old keys can go.
"""
from __future__ import annotations

from collections.abc import Callable

import psycopg
from psycopg import sql

from shared.keyring import KeyRing

# Every table eventsourcing keeps stored events or snapshots in has these columns; read models don't.
ENCRYPTED_TABLES = """
    SELECT c.table_schema, c.table_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE t.table_type = 'BASE TABLE' AND c.column_name = 'state' AND c.data_type = 'bytea'
      AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
      AND EXISTS (SELECT 1 FROM information_schema.columns o WHERE o.table_schema = c.table_schema
                  AND o.table_name = c.table_name AND o.column_name = 'originator_version')
    ORDER BY 1, 2"""
VAULT = ("vault", "petitioner_keys")


def encrypted_tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return [(schema, table) for schema, table in conn.execute(ENCRYPTED_TABLES).fetchall()]


def rotate(conninfo: str, ring: KeyRing, batch: int = 500,
           progress: Callable[[str, dict], None] | None = None) -> dict:
    """Rewrites with the ring's current key whatever an old key encrypted; counts per table."""
    report: dict[str, dict] = {}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for schema, table in encrypted_tables(conn):
            report[f"{schema}.{table}"] = _rotate_table(conn, ring, schema, table, ("originator_id", "originator_version"),
                                                        "state", batch, progress)
        if conn.execute("SELECT to_regclass('vault.petitioner_keys')").fetchone()[0]:
            report["vault.petitioner_keys"] = _rotate_table(conn, ring, *VAULT, ("ref",), "wrapped", batch, progress)
    totals = {k: sum(r[k] for r in report.values()) for k in ("rows", "rewritten", "current", "unreadable")}
    return {"tables": report, **totals, "old_keys_still_needed": totals["unreadable"] > 0}


def _rotate_table(conn, ring: KeyRing, schema: str, table: str, keys: tuple[str, ...], column: str,
                  batch: int, progress) -> dict:
    name = sql.Identifier(schema, table)
    key_columns = sql.SQL(", ").join(map(sql.Identifier, keys))
    select = sql.SQL("SELECT {k}, {c} FROM {t} WHERE ({k}) > ({p}) ORDER BY {k} LIMIT {n}").format(
        k=key_columns, c=sql.Identifier(column), t=name, p=sql.SQL(", ").join(sql.Placeholder() * len(keys)),
        n=sql.Literal(batch))
    first = sql.SQL("SELECT {k}, {c} FROM {t} ORDER BY {k} LIMIT {n}").format(
        k=key_columns, c=sql.Identifier(column), t=name, n=sql.Literal(batch))
    update = sql.SQL("UPDATE {t} SET {c} = %s WHERE {w}").format(
        t=name, c=sql.Identifier(column),
        w=sql.SQL(" AND ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in keys))
    counts = {"rows": 0, "rewritten": 0, "current": 0, "unreadable": 0}
    last = None
    while True:
        rows = conn.execute(first if last is None else select, last or ()).fetchall()
        if not rows:
            return counts
        changes = []
        for *key, state in rows:
            counts["rows"] += 1
            try:
                plaintext, index = ring.decrypt_with_index(bytes(state))
            except ValueError:
                counts["unreadable"] += 1  # an old key not in the ring: left as it is, reported
                continue
            if index == 0:
                counts["current"] += 1
            else:
                changes.append((ring.encrypt(plaintext), *key))
        if changes:
            # A short transaction: writers of the same table wait on it (eventsourcing locks the
            # table for each insert), so the decrypting is done before it starts.
            with conn.transaction(), conn.cursor() as cursor:
                cursor.executemany(update, changes)
            counts["rewritten"] += len(changes)
        last = tuple(rows[-1][:-1])
        if progress:
            progress(f"{schema}.{table}", counts)
