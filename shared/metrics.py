"""Prometheus metrics every service exposes at /metrics. Labels never carry personal data."""
from prometheus_client import Counter, Gauge, Histogram

COMMANDS = Counter("xinfang_commands_total", "Commands handled", ["service", "command", "outcome"])
COMMAND_SECONDS = Histogram("xinfang_command_seconds", "Command latency", ["service", "command"])
PUBLISHED = Counter("xinfang_events_published_total", "Events published by the relay", ["service", "type"])
UNROUTABLE = Counter("xinfang_relay_unroutable_total",
                     "Publishes returned by the broker because no queue was bound", ["service"])
RELAY_ACTIVE = Gauge("xinfang_relay_active", "1 while this replica holds the relay lock", ["service"])
RELAY_LAG = Gauge("xinfang_relay_lag_events", "Stored events not yet published", ["service"])
CONSUMED = Counter("xinfang_events_consumed_total", "Events received by followers",
                   ["service", "source", "outcome"])
FOLLOWER_LAG = Gauge("xinfang_follower_lag_events", "Source events not yet processed",
                     ["service", "source"])
PARKED = Counter("xinfang_dead_letters_total", "Events parked after repeated failure",
                 ["service", "source"])
HANDLER_FAILURES = Counter("xinfang_handler_failures_total", "Failed attempts to process an event",
                           ["service", "source"])
INBOUND = Counter("xinfang_inbound_events_total", "Messages from other agencies",
                  ["exchange", "type", "outcome"])
INBOUND_DEAD_LETTERS = Counter("xinfang_inbound_dead_letters_total",
                               "Messages from other agencies refused and dead-lettered", ["exchange", "reason"])
HTTP_REQUEST_SECONDS = Histogram("xinfang_http_request_seconds",
                                 "Gateway HTTP requests (a _count per method, route template and status)",
                                 ["method", "route", "status"],
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
