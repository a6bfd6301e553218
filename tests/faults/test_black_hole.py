"""A black-holed link between every service and the broker (RELIABILITY.md scenario 3).

The services reach the broker through the suite's proxy (tests/faults/proxy.py); mid-workload it
swallows every byte both ways for longer than three heartbeats, without a close or a reset — as
packets dropped by a firewall: nothing fails, reads just wait. Only heartbeats tell: each
connection must notice them missing, give up, and reconnect (attempts during the hole are accepted
and then hear nothing, like SYNs answered by nobody); the broker, missing the services' heartbeats
too, closes its side and puts what they held unacknowledged back in the queues. Healing closes the
connections of the hole (their streams have a gap) and forwards new ones.

The system runs with a heartbeat of a few seconds (AMQP_HEARTBEAT, deploy/config.yaml; our own
connections follow it, shared/heartbeats.py) so that the hole stays short, on a system of its own
(a virtual host and database of its own): the suite's shared system keeps the default heartbeat.

Afterwards, with no restart by the test (and none by the restart policy): agency events published
during the hole and right after it are recorded by intake's inbound consumer within a bound, a
petition registered right after it gets its assignment (gateway → intake → relay → dispatch's
follower), and the checks of every scenario hold.
"""
import json
import time
from datetime import datetime, timedelta

import pytest
from kombu import Connection, Exchange

from dispatch.application import assignment_id_for
from intake.agency import agency_event_id
from services.simulator import CONTENT_TYPE, generate
from tests.faults import checks, scenario
from tests.faults.conftest import running_system
from tests.faults.workload import RETRYABLE, petition_body
from tests.recompute import BEIJING

HEARTBEAT = 4  # seconds: services notice a dead link after about two (py-amqp and RabbitMQ alike)
HOLE_SECONDS = 15  # longer than three heartbeats
REGION = "360781"
BOUND_SECONDS = 30  # after healing, for a fresh message to be processed: reconnect back-offs included
PROBE = 900  # the probe petition's number: no workload petition of this system has it


@pytest.fixture(scope="module")
def black_hole_system(servers, fault_results, tmp_path_factory):
    with running_system(servers, tmp_path_factory.mktemp("black-hole"), fault_results, vhost="black-hole",
                        AMQP_HEARTBEAT=str(HEARTBEAT)) as running:
        yield running


def agency_events(count: int) -> list:
    """Agency traffic of the last days (the workload's is from 40 days back: other ids)."""
    today = datetime.now(BEIJING).date()
    events = []
    for item in generate(today - timedelta(days=4), today - timedelta(days=1), 3031, [REGION]):
        events.append(item)
        if len(events) == count:
            break
    return events


def publish(system, events: list) -> None:
    """Straight to the broker (not through the proxy), each until confirmed, as an agency does."""
    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5) as connection:
        producer = connection.Producer()
        for name, routing_key, event in events:
            exchange = Exchange(name, type="topic", durable=True)
            producer.publish(json.dumps(event, ensure_ascii=False).encode("utf-8"), exchange=exchange,
                             declare=[exchange], routing_key=routing_key, serializer=None, content_type=CONTENT_TYPE,
                             content_encoding="utf-8", delivery_mode=2, message_id=event["id"])


def recorded(system, events: list) -> bool:
    stored = set(checks.ids(system, "intake", "AgencyEvent.Received"))
    return all(str(agency_event_id(e["source"], e["id"])) in stored for _, _, e in events)


def register_and_accept(system, n: int) -> str:
    """One petition as a clerk enters it, retried as the workload's clients do; its id."""
    session = system.session(role="clerk")
    received = datetime.now(BEIJING).replace(microsecond=0) - timedelta(days=1)

    def request(method, path, **kwargs):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                answer = session.request(method, system.url(path), timeout=30, **kwargs)
                if answer.status_code not in RETRYABLE:
                    return answer
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError(f"{method} {path}: no answer but 'retry later' within 60 s")

    answer = request("POST", "/api/petitions", json=petition_body(n, REGION + "107", received),
                     headers={"Idempotency-Key": f"black-hole-probe-{n}"})
    assert answer.status_code in (200, 201), answer.text[:300]
    petition_id = answer.json()["id"]
    answer = request("POST", f"/api/petitions/{petition_id}/acceptance", json={"decision": "accepted",
                                                                               "reason": "依法受理"})
    assert answer.status_code in (200, 201, 409), answer.text[:300]
    return petition_id


def test_black_holed_link_is_noticed_and_everything_recovers(black_hole_system):
    system = black_hole_system
    events = agency_events(9)
    during, after = events[:6], events[6:]

    def black_hole():
        connections = system.proxy.connections()
        system.proxy.black_hole()
        time.sleep(2)
        publish(system, during)  # queued for intake's consumer, which no longer hears the broker
        time.sleep(HOLE_SECONDS - 2)
        closed = system.proxy.heal()
        healed = time.monotonic()
        publish(system, after)
        system.ledger.published += [e for _, _, e in during + after]
        system.wait_until(lambda: recorded(system, during + after), timeout=BOUND_SECONDS, interval=0.2)
        agency_in = time.monotonic() - healed
        petition = register_and_accept(system, PROBE)
        # acknowledged after the hole: the checks hold it to its promises too
        system.ledger.registered[PROBE] = petition
        system.ledger.accepted.add(petition)
        assignment = str(assignment_id_for(checks._uuid(petition)))
        system.wait_until(lambda: assignment in checks.ids(system, "dispatch", "Assignment.Created"),
                          timeout=BOUND_SECONDS, interval=0.2)
        return {"hole s": HOLE_SECONDS, "heartbeat s": HEARTBEAT, "connections cut": closed,
                "open before the hole": connections, "reconnects tried during the hole": system.proxy.accepted_in_hole,
                "agency events of the hole and after it recorded s after healing": round(agency_in, 1),
                "probe petition assigned s after healing": round(time.monotonic() - healed, 1),
                "system started in s": system.started_in}

    before = system.restarts()
    scenario.run(system, "black-holed link", f"every service's broker link black-holed {HOLE_SECONDS} s "
                 f"(heartbeat {HEARTBEAT} s), then healed, at 30%", REGION, seed=501, inject=black_hole)
    assert system.restarts() == before, "a service exited instead of reconnecting"
    # Each service noticed the hole by its heartbeats, during it, and tried to reconnect (a consumer
    # stuck closing its dead connection would only have noticed when healing closed it).
    assert system.proxy.accepted_in_hole >= len(system.ports), \
        f"{system.proxy.accepted_in_hole} reconnections tried during the hole, by {len(system.ports)} services"
    system.wait_healthy()
