"""Access tokens (令牌): issued by an operator command, shown once, stored only as a hash.

A token is 32 random bytes (URL-safe text), so a plain SHA-256 of it cannot be reversed or guessed;
a slow password hash would only slow every request. The table lives in the `access` schema of the
system's database, apart from every event store.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import dict_row

from shared.access import TOKEN_ROLES, Principal, Role

PREFIX = "xf_"
SCHEMA_SQL = """
CREATE SCHEMA IF NOT EXISTS access;
CREATE TABLE IF NOT EXISTS access.tokens (
    token_hash text PRIMARY KEY,
    id text UNIQUE NOT NULL,
    user_id text NOT NULL,
    role text NOT NULL,
    unit text,
    label text NOT NULL DEFAULT '',
    issued_at timestamptz NOT NULL DEFAULT now(),
    issued_by text NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);
"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    id: str
    token: str  # the only time the clear token exists outside the caller's hands
    principal: Principal


class TokenStore:
    def __init__(self, conninfo: str):
        self.conninfo = conninfo

    def _connect(self):
        return psycopg.connect(self.conninfo, autocommit=True, row_factory=dict_row)

    def create_schema(self) -> None:
        with self._connect() as conn:
            # One creator at a time: services and the operator command may start together.
            conn.execute("SELECT pg_advisory_lock(hashtext('access.tokens'))")
            try:
                conn.execute(SCHEMA_SQL)
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext('access.tokens'))")

    def issue(self, principal: Principal, issued_by: str, label: str = "",
              expires_at: datetime | None = None) -> IssuedToken:
        if principal.role not in TOKEN_ROLES:
            raise ValueError(f"no token is issued for the role {principal.role}: petitioners use their query code")
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = secrets.token_hex(6)
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO access.tokens (token_hash, id, user_id, role, unit, label, issued_by, expires_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (token_hash(token), token_id, principal.user, str(principal.role), principal.unit, label,
                 issued_by, expires_at))
        return IssuedToken(token_id, token, principal)

    def principal(self, token: str) -> Principal | None:
        """The person a presented token stands for, or None when it is unknown, revoked or expired."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT user_id, role, unit FROM access.tokens WHERE token_hash = %s AND revoked_at IS NULL"
                " AND (expires_at IS NULL OR expires_at > now())", (token_hash(token),)).fetchone()
        return Principal(row["user_id"], Role(row["role"]), row["unit"]) if row else None

    def revoke(self, token_id: str) -> bool:
        with self._connect() as conn:
            done = conn.execute("UPDATE access.tokens SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL",
                                (token_id,))
            return done.rowcount == 1

    def listing(self) -> list[dict]:
        with self._connect() as conn:
            return conn.execute(
                "SELECT id, user_id, role, unit, label, issued_at, issued_by, expires_at, revoked_at"
                " FROM access.tokens ORDER BY issued_at").fetchall()


class CachedTokens:
    """The gateway's view of the store: each token looked up at most every `ttl` seconds, so a
    revocation takes effect within that time and a busy gateway does not query per request."""

    def __init__(self, store: TokenStore, ttl: float = 10.0, clock=time.monotonic):
        self.store, self.ttl, self.clock = store, ttl, clock
        self._seen: dict[str, tuple[float, Principal | None]] = {}

    def principal(self, token: str) -> Principal | None:
        key = token_hash(token)
        now = self.clock()
        cached = self._seen.get(key)
        if cached and now - cached[0] < self.ttl:
            return cached[1]
        principal = self.store.principal(token)
        if len(self._seen) > 10_000:  # bounded: a flood of made-up tokens must not grow memory
            self._seen.clear()
        self._seen[key] = (now, principal)
        return principal
