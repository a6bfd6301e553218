"""The petitioners' data keys in PostgreSQL: schema `vault`, apart from every event store, so the
event stores can be backed up without them (decision 0019). Each key is stored wrapped (encrypted)
with the application key ring, so a copy of this table alone opens nothing either.

Deleting a row is the erasure: nothing else holds the key.
"""
from __future__ import annotations

from datetime import datetime

import psycopg
from psycopg_pool import ConnectionPool

from shared.keyring import KeyRing
from shared.shredding import new_data_key

SCHEMA = "vault"
TABLE = "vault.petitioner_keys"

CREATE = [
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
            ref text PRIMARY KEY,
            wrapped bytea NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now())""",
]


def create_tables(conn: psycopg.Connection) -> None:
    for statement in CREATE:
        try:
            conn.execute(statement)
        except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
            pass  # another service process created it at the same moment


class PostgresKeyStore:
    def __init__(self, conninfo: str, ring: KeyRing, max_connections: int = 4):
        self.ring = ring
        with psycopg.connect(conninfo, autocommit=True) as conn:
            create_tables(conn)
        # A few connections of its own: every petition read looks up one key.
        self.pool = ConnectionPool(conninfo, min_size=1, max_size=max_connections,
                                   kwargs={"autocommit": True}, open=True, name="vault")

    def _with_connection(self, work):
        """Once more on a fresh connection when the pooled one died with the database's restart (the
        pool drops a broken connection as it comes back); each statement here is safe to repeat."""
        try:
            with self.pool.connection() as conn:
                return work(conn)
        except psycopg.OperationalError:
            with self.pool.connection() as conn:
                return work(conn)

    def key(self, ref: str, create: bool = False) -> bytes | None:
        def find(conn):
            row = conn.execute(f"SELECT wrapped FROM {TABLE} WHERE ref = %s", (ref,)).fetchone()
            if row is None and create:
                # Two registrations of one person at once: one key wins, both use it.
                conn.execute(f"INSERT INTO {TABLE} (ref, wrapped) VALUES (%s, %s) ON CONFLICT (ref) DO NOTHING",
                             (ref, self.ring.encrypt(new_data_key())))
                row = conn.execute(f"SELECT wrapped FROM {TABLE} WHERE ref = %s", (ref,)).fetchone()
            return row
        row = self._with_connection(find)
        return self.ring.decrypt(bytes(row[0])) if row else None

    def erase(self, ref: str, created_before: datetime | None = None) -> bool:
        def delete(conn):
            if created_before is None:
                return conn.execute(f"DELETE FROM {TABLE} WHERE ref = %s", (ref,)).rowcount > 0
            return conn.execute(f"DELETE FROM {TABLE} WHERE ref = %s AND created_at < %s",
                                (ref, created_before)).rowcount > 0
        return self._with_connection(delete)

    def close(self) -> None:
        self.pool.close()
