"""Joint handling over the bus: dispatch asks, the agency answers on its own exchange."""
import json

from kombu import Connection, Exchange, Queue

from tests.support import REPLY, petition


def test_an_agency_report_over_the_bus_releases_the_reply(system):
    created = system.session().post(system.url("/api/petitions"), json=petition(960, region_code="530381"), timeout=30).json()
    system.session().post(system.url(f"/api/petitions/{created['id']}/acceptance"), timeout=30,
                  json={"decision": "accepted", "reason": "依法受理"}).raise_for_status()
    assignment_id = system.wait_until(
        lambda: system.session().get(system.url(f"/api/petitions/{created['id']}"), timeout=30).json()["assignment_id"])
    path = system.url(f"/api/assignments/{assignment_id}")
    unit = system.session().get(path, timeout=30).json()["unit"]
    system.session().post(path + "/sign", json={"unit": unit}, timeout=30).raise_for_status()

    # The request goes out on dispatch.events for the agencies to read.
    with Connection(system.amqp_uri) as conn:
        tap = Queue("test.joint-requests", Exchange("dispatch.events", "topic", durable=True),
                    routing_key="joint_handling.requested", exclusive=True)
        bound = tap(conn.channel())
        bound.declare()
        answer = system.session().post(path + "/joint-handling", json={"agencies": ["police110"]}, timeout=30)
        assert answer.status_code == 200 and answer.json()["joint_handling"]["police110"]["report"] is None
        request = system.wait_until(lambda: bound.get(no_ack=True), timeout=10).payload
    assert request["data"]["assignment_id"] == assignment_id and request["data"]["agencies"] == ["police110"]

    assert system.session().post(path + "/reply", json=REPLY, timeout=30).status_code == 409

    # The police answer on their own exchange; a report claiming to be another agency's is refused.
    def report(agency):
        return json.dumps({"specversion": "1.0", "id": f"JH-{agency}-1", "source": "urn:cn:110:530381",
                           "type": "joint_handling.reported", "data": {
                               "assignment_id": assignment_id, "agency": agency, "result": "已核查，情况属实",
                               "reported_at": "2026-11-21T10:00:00+08:00"}}).encode()

    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        police = Exchange("police110.events", "topic", durable=True)
        for body in (report("court"), report("police110"), report("police110")):
            conn.Producer().publish(body, exchange=police, routing_key="joint_handling.reported", serializer=None,
                                    content_type="application/cloudevents+json", content_encoding="binary")

    reported = system.wait_until(
        lambda: (a := system.session().get(path, timeout=30).json())["joint_handling"]["police110"]["report"] and a)
    assert reported["joint_handling"]["police110"]["report"]["result"] == "已核查，情况属实"
    assert system.session().post(path + "/reply", json=REPLY, timeout=30).status_code == 200
    assert system.session().post(path + "/pre-review", json={"approved": True}, timeout=30).json()["status"] == "replied"

    letters = system.session().get(system.url("/api/dead-letters?service=dispatch"), timeout=30).json()["items"]
    assert [letter["reason"] for letter in letters] == ["agency_mismatch"]
