"""Where and how each service's event store lives: one PostgreSQL database, one schema per service."""
from __future__ import annotations

import logging
import re

import psycopg
from psycopg import sql

from shared.keyring import KeyRing, split_keys
from shared.settings import Settings

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
log = logging.getLogger(__name__)


def application_env(schema: str, settings: Settings) -> dict[str, str]:
    """eventsourcing settings for one service's Application (PostgreSQL, AES-GCM at rest)."""
    if not settings.cipher_key:
        raise RuntimeError("XINFANG_CIPHER_KEY is not set (./run up writes one to .run/secrets.env)")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": settings.postgres_dbname,
        "POSTGRES_HOST": settings.postgres_host,
        "POSTGRES_PORT": settings.postgres_port,
        "POSTGRES_USER": settings.postgres_user,
        "POSTGRES_PASSWORD": settings.postgres_password,
        "POSTGRES_SCHEMA": schema,
        # Few idle connections per service (seven services and their replicas share one server);
        # the overflow opens more under load.
        "POSTGRES_POOL_SIZE": "2",
        "POSTGRES_MAX_OVERFLOW": "10",
        # No pre-ping: a round trip per checkout; eventsourcing retries a broken connection anyway.
        "POSTGRES_PRE_PING": "n",
        "POSTGRES_CONNECT_TIMEOUT": "5",
        # AES-GCM as a key ring: the current key and, while a rotation is under way, the old ones.
        "CIPHER_TOPIC": "shared.keyring:KeyRingCipher",
        "CIPHER_KEY": settings.cipher_key,
        "CIPHER_OLD_KEYS": settings.cipher_old_keys,
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
    }


def key_ring(settings: Settings) -> KeyRing:
    """The application key ring outside an Application (the petitioners' key table, rotation)."""
    if not settings.cipher_key:
        raise RuntimeError("XINFANG_CIPHER_KEY is not set (./run up writes one to .run/secrets.env)")
    return KeyRing(settings.cipher_key, split_keys(settings.cipher_old_keys))


def ensure_database(settings: Settings) -> None:
    with psycopg.connect(settings.postgres_conninfo("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (settings.postgres_dbname,)).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(settings.postgres_dbname)))
            except (psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation):
                pass  # another service created it at the same moment


def ensure_schema(schema: str, settings: Settings) -> None:
    """eventsourcing creates tables, not schemas (STACK.md trap 8)."""
    if not SCHEMA_NAME.match(schema):
        raise ValueError(f"not a schema name: {schema!r}")
    ensure_database(settings)
    with psycopg.connect(settings.postgres_conninfo(), autocommit=True) as conn:
        try:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        except psycopg.errors.UniqueViolation:
            pass  # concurrent CREATE SCHEMA IF NOT EXISTS can still collide in the catalog
        warn_if_commits_can_be_lost(conn)


def warn_if_commits_can_be_lost(conn: psycopg.Connection) -> bool:
    """Every guarantee here assumes that an acknowledged commit survives a crash of the database
    (decision 0026): a follower moves past an event once the commit of its effects is acknowledged.
    With synchronous_commit off, an immediate stop loses the last acknowledged commits. Said at start."""
    unsafe = conn.execute("SHOW synchronous_commit").fetchone()[0] == "off"
    if unsafe:
        log.warning("PostgreSQL runs with synchronous_commit=off: a crash of the database loses the last "
                    "acknowledged commits, and followers would skip the events whose effects were lost")
    return unsafe
