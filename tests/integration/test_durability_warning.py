"""A database that can lose acknowledged commits is named at start (decision 0026)."""
import logging

import psycopg

from shared.persistence import warn_if_commits_can_be_lost
from shared.settings import Settings


def test_a_server_acknowledging_commits_before_writing_them_is_warned_about(caplog):
    with psycopg.connect(Settings().postgres_conninfo("postgres"), autocommit=True) as conn:
        conn.execute("SET synchronous_commit = on")
        with caplog.at_level(logging.WARNING, logger="shared.persistence"):
            assert warn_if_commits_can_be_lost(conn) is False
        assert not caplog.records

        conn.execute("SET synchronous_commit = off")
        with caplog.at_level(logging.WARNING, logger="shared.persistence"):
            assert warn_if_commits_can_be_lost(conn) is True
        assert "synchronous_commit=off" in caplog.text
