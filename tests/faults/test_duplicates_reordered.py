"""Duplicate and out-of-order deliveries (RELIABILITY.md scenarios 1 and 5: what a redelivery, a
re-publishing relay or an agency's retry produce).

While a fresh workload runs, copies of real events are published straight onto the bus, shuffled:
every event intake and dispatch have published so far, twice each, onto their exchanges (each
follower's queue gets them beside the relay's own), and every agency event confirmed so far in the
suite, again, onto the agencies' exchanges. Followers skip what they have tracked and treat an event
ahead of its predecessor as a gap filled from the source's log; intake derives each agency event's
id from (source, id). Nothing may be applied twice; the same checks as after a SIGKILL.
"""
import json
import random

from kombu import Connection, Exchange
from nameko.standalone.rpc import ClusterRpcProxy

from services.simulator import CONTENT_TYPE
from shared.contracts.agency import AGENCY_EXCHANGES
from tests.faults import scenario

SOURCES = ("intake", "dispatch")
EXCHANGE_OF = {kind: exchange for exchange, kinds in AGENCY_EXCHANGES.items() for kind in kinds}


def _agency_exchange(event: dict) -> str:
    return EXCHANGE_OF[event["type"]]


def published_so_far(system, source: str) -> list[dict]:
    """The source's notification log as its relay published it (the `notifications` RPC)."""
    envelopes, after = [], 0
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=30) as rpc:
        while True:
            page = getattr(rpc, source).notifications(after, 500)
            if not page:
                return envelopes
            envelopes += page
            after = page[-1]["position"]


def test_duplicated_and_reordered_events_are_applied_once(fault_system):
    system = fault_system
    rng = random.Random(501)
    copies = {source: published_so_far(system, source) * 2 for source in SOURCES}
    agency = list(system.ledger.published)

    def publish_copies():
        messages = [(f"{source}.events", e["type"], e, "application/json") for source in SOURCES for e in copies[source]]
        messages += [(_agency_exchange(e), e["type"], e, CONTENT_TYPE) for e in agency]
        rng.shuffle(messages)
        with Connection(system.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=10) as conn:
            producer = conn.Producer()
            for name, routing_key, body, content_type in messages:
                exchange = Exchange(name, type="topic", durable=True)
                producer.publish(json.dumps(body, ensure_ascii=False).encode("utf-8"), exchange=exchange,
                                 declare=[exchange], routing_key=routing_key, serializer=None,
                                 content_type=content_type, content_encoding="utf-8", delivery_mode=2)
        return {"copies published": len(messages)}

    scenario.run(system, "duplicates and reordering", "every event so far published again twice, shuffled",
                 "530302102", seed=601, inject=publish_copies)
