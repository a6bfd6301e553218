"""The shared kernel: contracts, relay, follower, persistence, calendar, clock, metrics, settings."""
import os

# psycopg 3's C wait function blocks every green thread under eventlet (STACK.md trap 1); the choice
# is read when psycopg is first imported, so it is made here, before any module of ours imports it.
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
