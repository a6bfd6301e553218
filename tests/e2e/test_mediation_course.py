"""A dispute through mediation over HTTP and the bus, every service a real process: a petition the
clerk diverts to mediation fails at the people's layer, agrees at the pre-litigation layer, the court
confirms it with its own event, and the statistics count the petition as resolved."""
import json

from kombu import Connection, Exchange

from tests.support import id_number, petition

REGION = "110115"
CLERK = {"user": "mediator-office-1"}  # as the administrator, so that the course runs whole
PARTIES = [{"name": "申请人甲某", "phone": "13911110001", "id_number": id_number("11011519700101001"),
            "role": "applicant"},
           {"name": "被申请人某公司", "phone": "010-69240000", "role": "respondent"}]
AGREEMENT = {"facts": "双方就拆迁过渡安置费发生争议。", "disputes": "过渡费标准与支付期限。",
             "terms": [{"content": "被申请人支付过渡安置费三万元", "manner": "银行转账", "due": "2026年9月30日前"}],
             "signatures": [{"role": "party", "party": 0, "name": "申请人甲某"},
                            {"role": "party", "party": 1, "name": "某公司代理人"},
                            {"role": "mediator", "name": "赵立新"}]}


def call(system, method, path, body=None, status=200):
    answer = system.session(**CLERK).request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def at(day: str) -> str:
    return f"{day}T10:00:00+08:00"


def consent_all(system, path, day):
    for party in (0, 1):
        view = call(system, "POST", path + "/consents", {"party": party, "consents": True, "at": at(day)})
    return view


def test_a_dispute_fails_at_the_peoples_layer_agrees_at_pre_litigation_and_is_confirmed(system):
    body = petition(741, region_code=REGION, category="housing_expropriation", received_at=at("2026-08-03"))
    registered = call(system, "POST", "/api/petitions", body, 201)
    call(system, "POST", f"/api/petitions/{registered['id']}/acceptance",
         {"decision": "diverted", "route": "mediation", "reason": "属于民事纠纷，引导调解", "decided_at": at("2026-08-05")})

    # The clerk's diversion opens a mediation at the people's layer, once.
    from mediation.application import mediation_id_for
    mediation_id = str(mediation_id_for("petition", registered["id"]))
    path = f"/api/mediations/{mediation_id}"
    opened = system.wait_until(lambda: (r := system.session().get(system.url(path), timeout=30)).ok and r.json())
    assert opened["layer"] == "people" and opened["petition_id"] == registered["id"] and opened["source"] == "petition"

    for party in PARTIES:
        call(system, "POST", path + "/parties", party)
    assert consent_all(system, path, "2026-08-06")["status"] == "in_mediation"
    suggested = call(system, "GET", path + "/mediators")["mediators"]
    assert suggested and all("people" in m["layers"] for m in suggested)
    call(system, "POST", path + "/mediators", {"mediator": suggested[0]["id"], "at": at("2026-08-06")})
    call(system, "POST", path + "/sessions", {"held_on": "2026-08-10", "attendees": ["申请人甲某", "某公司代理人"],
                                              "notes": "双方分歧较大"})
    escalated = call(system, "POST", path + "/failure", {"reason": "对补偿标准分歧过大", "failed_at": at("2026-08-20")})
    assert escalated["layer"] == "pre_litigation" and escalated["status"] == "awaiting_consent"
    assert [(x["layer"], x["outcome"]) for x in escalated["layers"]] == [("people", "failed"), ("pre_litigation", None)]
    assert escalated["deadline"] == "2026-09-20"  # 30 days: Saturday the 19th, so the next working day (调休)

    # At the pre-litigation layer both consent again and sign; both apply for confirmation in time.
    consent_all(system, path, "2026-08-21")
    call(system, "POST", path + "/agreement", {**AGREEMENT, "signatures": AGREEMENT["signatures"][:2]}, 400)
    agreed = call(system, "POST", path + "/agreement", {**AGREEMENT, "signed_at": at("2026-09-01")})
    assert agreed["status"] == "agreed" and agreed["agreement"]["confirm_by"] == "2026-10-08"  # after National Day
    call(system, "POST", path + "/confirmation", {"applicants": [0], "applied_at": at("2026-09-10")}, 400)
    call(system, "POST", path + "/confirmation", {"applicants": [0, 1], "applied_at": at("2026-09-10")})

    # The court decides and says so on its own exchange; delivered twice, recorded once.
    decision = {"specversion": "1.0", "id": "SQ-2026-0917", "source": "urn:cn:court:110115",
                "type": "judicial_confirmation.decided", "time": at("2026-09-20"),
                "data": {"mediation_id": mediation_id, "confirmed": True, "decided_at": at("2026-09-20")}}
    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        court = Exchange("court.events", "topic", durable=True)
        for _ in range(2):
            conn.Producer().publish(json.dumps(decision).encode(), exchange=court, serializer=None,
                                    routing_key="judicial_confirmation.decided",
                                    content_type="application/cloudevents+json", content_encoding="binary")
    confirmed = system.wait_until(lambda: (m := call(system, "GET", path))["confirmation"].get("confirmed") and m)
    assert [e["type"] for e in confirmed["history"]].count("confirmation_decided") == 1
    assert confirmed["parties"][0]["phone"] == "139****0001" and "*" in confirmed["parties"][0]["id_number"]

    # The agreement as a document, and the petition's own record of it.
    [document] = call(system, "GET", path + "/notices")["notices"]
    assert document["title"] == "诉前调解协议书" and "银行转账" in document["text"] and "司法确认" in document["text"]
    record = system.wait_until(lambda: (p := call(system, "GET", f"/api/petitions/{registered['id']}"))["status"]
                               == "mediation_agreed" and p)
    assert {"mediation_opened", "mediation_agreed"} <= {e.get("stage") for e in record["history"]}

    # Statistics: the petition counts as resolved; mediation figures by layer and the confirmation rate.
    period = f"from=2026-08-01&to=2026-08-31&region={REGION}"
    summary = system.wait_until(lambda: (s := call(system, "GET", f"/api/stats/summary?{period}"))["resolution_rate"]
                                is not None and s)
    assert summary["resolution_rate"] == 1.0 and summary["five_volumes"]["mediation"] == 1
    stats = system.wait_until(lambda: (s := call(system, "GET", f"/api/stats/mediation?{period}"))
                              ["confirmation"]["decided"] == 1 and s)
    layers = {row["layer"]: row for row in stats["by_layer"]}
    assert stats["opened"] == 1 and stats["agreements"] == 1 and stats["success_rate"] == 1.0
    assert (layers["people"]["entered"], layers["people"]["failed"], layers["people"]["agreed"]) == (1, 1, 0)
    assert (layers["pre_litigation"]["entered"], layers["pre_litigation"]["agreed"]) == (1, 1)
    assert stats["confirmation"]["confirmation_rate"] == 1.0


def test_a_refusal_ends_the_mediation_with_the_legal_routes_told(system):
    opened = call(system, "POST", "/api/mediations", {
        "layer": "people", "region_code": REGION, "category": "neighbourhood_dispute",
        "summary": "邻里排水纠纷", "parties": PARTIES, "opened_at": at("2026-08-11")}, 201)
    path = f"/api/mediations/{opened['id']}"
    call(system, "POST", path + "/consents", {"party": 0, "consents": True, "at": at("2026-08-12")})
    ended = call(system, "POST", path + "/consents", {"party": 1, "consents": False, "at": at("2026-08-12")})
    assert ended["status"] == "ended" and ended["ended"]["reason"] == "refused"
    call(system, "POST", path + "/sessions", {"held_on": "2026-08-13", "attendees": ["甲"]}, 409)
    [notice] = call(system, "GET", path + "/notices")["notices"]
    assert notice["kind"] == "mediation_ended" and "提起诉讼" in notice["text"] and "第二十六条" in notice["text"]
