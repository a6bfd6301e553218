"""The audit trail (审计留痕) over the real system: a petition registered, accepted, signed for and
replied to by different people, and reporting's `audit` answering who did what to it, in order —
across intake's, dispatch's and supervision's events — with no personal data in the answer."""
import json
from collections import Counter
from datetime import datetime

from nameko.standalone.rpc import ClusterRpcProxy

from tests.support import REPLY, petition

REGION = "530381"  # the statistics of this county are counted by no end-to-end test
TIMEOUT = 30


def post(session, system, path, body, status=200):
    answer = session.post(system.url(path), json=body, timeout=TIMEOUT)
    assert answer.status_code == status, answer.text
    return answer.json()


def get(session, system, path):
    answer = session.get(system.url(path), timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    return answer.json()


def audit(system, subject, **kwargs):
    # As the gateway will call it for an administrator (the context data is what a token gives it).
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=TIMEOUT,
                         context_data={"xinfang_user": "auditor-zhou", "xinfang_role": "administrator"}) as rpc:
        return rpc.reporting.audit(subject, **kwargs)


def test_who_did_what_to_a_petition_in_order(system):
    clerk_wang = system.session(role="clerk", user="clerk-wang")
    clerk_li = system.session(role="clerk", user="clerk-li")
    reviewer = system.session(role="clerk", user="reviewer-qian")
    body = petition(4321, region_code=REGION, received_at="2026-11-03T09:00:00+08:00")
    registered = post(clerk_wang, system, "/api/petitions", body, 201)
    post(clerk_li, system, f"/api/petitions/{registered['id']}/acceptance",
         {"decision": "accepted", "reason": "属于受理范围", "decided_at": "2026-11-05T10:00:00+08:00"})
    petition_reads = []  # each GET of the petition by clerk-li, to be found on the trail

    def read_petition():
        petition_reads.append(1)
        return get(clerk_li, system, f"/api/petitions/{registered['id']}")

    view = system.wait_until(lambda: (p := read_petition())["assignment_id"] and p, timeout=20)
    assignment = get(clerk_li, system, f"/api/assignments/{view['assignment_id']}")
    handler = system.session(role="unit_handler", user="handler-zhao", unit=assignment["unit"])
    path = f"/api/assignments/{assignment['id']}"
    post(handler, system, path + "/sign", {"unit": assignment["unit"], "signed_at": "2026-11-06T09:00:00+08:00"})
    post(handler, system, path + "/reply", {**REPLY, "replied_at": "2026-11-10T09:00:00+08:00"})
    post(reviewer, system, path + "/pre-review", {"approved": True, "decided_at": "2026-11-10T10:00:00+08:00"})

    def replied():
        """The reply and everything it causes on the trail: intake's mirror of the signing and of the
        reply, and supervision closing both watches (acceptance, handling) — they arrive a moment
        after the reply itself, so a trail read before them would change under the comparisons."""
        trail = audit(system, registered["id"])
        count = Counter(e["type"] for e in trail)
        return (count["assignment.replied"] == 1 and count["petition.personal_data_read"] == len(petition_reads)
                and count["petition.handling_progressed"] >= 2 and count["supervision.closed"] >= 2 and trail)

    trail = system.wait_until(replied, timeout=20)

    # In the order it happened, each step under the person who took it; what the services did in
    # consequence (the assignment created, the limits watched) under "system".
    people = [(e["type"], e["actor"]) for e in trail if e["actor"] != "system" and not e["type"].endswith("_read")]
    assert people[:4] == [("petition.registered", "clerk-wang"), ("petition.acceptance_decided", "clerk-li"),
                          ("assignment.signed", "handler-zhao"), ("assignment.reply_drafted", "handler-zhao")]
    assert ("assignment.replied", "reviewer-qian") in people[4:]
    assert {e["actor"] for e in trail} == {"clerk-wang", "clerk-li", "handler-zhao", "reviewer-qian", "system"}
    moments = [datetime.fromisoformat(e["at"]) for e in trail]
    assert moments == sorted(moments)
    # The petition's own events and those of the records handling it: its assignment's (whose later
    # events no longer name the petition) and the supervision watching its limits.
    assert {"intake", "dispatch", "supervision"} <= {e["service"] for e in trail}
    assert {e["aggregate_id"] for e in trail if e["service"] == "dispatch"} == {assignment["id"]}
    created = next(e for e in trail if e["type"] == "assignment.created")
    assert created["actor"] == "system" and created["petition_id"] == registered["id"]
    assert all(set(e) == {"service", "position", "at", "type", "actor", "aggregate_id", "petition_id",
                          "correlation_id"} for e in trail)

    # Every read of the petitioner's data by a person is on the trail too (scenario 14, decision 0023):
    # clerk-li's reads of the petition while waiting for its assignment; none by the system.
    reads = [e for e in trail if e["type"] == "petition.personal_data_read"]
    assert reads and {(e["actor"], e["aggregate_id"], e["petition_id"]) for e in reads} == {
        ("clerk-li", registered["id"], registered["id"])}

    # Ids, types, actors and times only: nothing of the petitioner or of the texts.
    text = json.dumps(trail, ensure_ascii=False)
    for personal in (body["petitioner"]["name"], body["petitioner"]["id_number"], body["petitioner"]["phone"],
                     body["subject"], REPLY["opinion"]["facts"]):
        assert personal not in text

    # The same trail read by record and by person; and a bounded page of it.
    by_assignment = audit(system, assignment["id"])
    assert [e["type"] for e in audit(system, "clerk-li")][:1] == ["petition.acceptance_decided"]
    assert [e["type"] for e in by_assignment] == [e["type"] for e in trail if e["aggregate_id"] == assignment["id"]]
    assert [e["type"] for e in audit(system, "handler-zhao")] == ["assignment.signed", "assignment.reply_drafted"]
    assert audit(system, registered["id"], limit=2) == trail[:2]

    # The administrator reads the same trail over HTTP; nobody else may.
    admin = system.session(role="administrator", user="auditor-zhou")
    answer = admin.get(system.url("/api/audit"), params={"subject": registered["id"]}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"subject": registered["id"], "entries": trail}

    # A read of the notices (they carry the name) by another person, and by an inspector, each listed.
    inspector = system.session(role="inspector", user="inspector-sun")
    assert inspector.get(system.url(f"/api/petitions/{registered['id']}/notices"), timeout=TIMEOUT).ok
    listed = system.wait_until(lambda: [(e["actor"], e["service"]) for e in audit(system, "inspector-sun")
                                        if e["type"] == "petition.personal_data_read"], timeout=20)
    assert listed == [("inspector-sun", "intake")]
    for role in ("clerk", "supervisor", "analyst", "inspector"):
        assert system.session(role=role).get(system.url("/api/audit"), params={"subject": registered["id"]},
                                             timeout=TIMEOUT).status_code == 403
    refused = admin.get(system.url("/api/audit"), params={"subject": registered["id"], "limit": 0}, timeout=TIMEOUT)
    assert refused.status_code == 400 and "limit" in refused.json()["errors"]
