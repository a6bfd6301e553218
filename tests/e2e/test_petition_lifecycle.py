"""A petition from registration to statistics, over HTTP, with every service a real process."""

from tests.support import REPLY, petition



def post(system, path, body, status=200):
    answer = system.session().post(system.url(path), json=body, timeout=30)
    assert answer.status_code == status, answer.text
    return answer.json()


def get(system, path):
    answer = system.session().get(system.url(path), timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def summary(system, **query):
    return get(system, "/api/stats/summary?from=2026-11-01&to=2026-11-30&" +
               "&".join(f"{k}={v}" for k, v in query.items()))


def test_a_petition_walks_from_registration_to_statistics(system):
    # A clerk registers a visit; the same petitioner comes back on the same matter.
    first = post(system, "/api/petitions", petition(1), 201)
    assert first["status"] == "registered" and first["repeat_of"] is None
    assert first["petitioner"]["id_number"].count("*") == 10 and "*" in first["petitioner"]["phone"]
    again = post(system, "/api/petitions", petition(1, channel="letter"), 201)
    assert again["repeat_of"] == first["id"]

    # Acceptance on day 14 of the 15-day limit counts as timely; a not-accepted one ends there.
    post(system, f"/api/petitions/{first['id']}/acceptance",
         {"decision": "accepted", "reason": "属于受理范围", "decided_at": "2026-11-16T10:00:00+08:00"})
    post(system, f"/api/petitions/{again['id']}/acceptance",
         {"decision": "diverted", "reason": "应通过诉讼解决", "route": "litigation",
          "decided_at": "2026-11-20T10:00:00+08:00"})

    # Dispatch routes it to the competent unit; the petition shows its assignment.
    petition_view = system.wait_until(
        lambda: (p := get(system, f"/api/petitions/{first['id']}"))["assignment_id"] and p)
    assert petition_view["status"] == "assigned"
    assignment = get(system, f"/api/assignments/{petition_view['assignment_id']}")
    assert assignment["petition_id"] == first["id"] and assignment["deadline"] >= "2027-01-15"

    # The unit cannot reply before signing; then signs, replies with the full opinion and two signatures.
    path = f"/api/assignments/{assignment['id']}"
    post(system, path + "/reply", REPLY, 409)
    post(system, path + "/sign", {"unit": "some-other-unit"}, 409)
    post(system, path + "/sign", {"unit": assignment["unit"], "signed_at": "2026-11-17T09:00:00+08:00"})
    drafted = post(system, path + "/reply", {**REPLY, "replied_at": "2026-11-20T09:00:00+08:00"})
    assert drafted["status"] == "pre_review" and drafted["reply"] is None  # the bureau pre-reviews it first
    replied = post(system, path + "/pre-review", {"approved": True, "decided_at": "2026-11-20T10:00:00+08:00"})
    assert replied["status"] == "replied" and replied["reply"]["on_time"] is True

    # The petitioner rates it.
    post(system, path + "/evaluation", {"rating": "basically_satisfied", "rated_at": "2026-11-21T10:00:00+08:00"})
    # Nothing is recorded as happening later than now.
    post(system, f"/api/petitions/{again['id']}/acceptance", {"decision": "accepted", "reason": "x",
                                                            "decided_at": "2099-01-01T00:00:00+08:00"}, 400)
    system.wait_until(lambda: get(system, f"/api/petitions/{first['id']}")["status"] == "evaluated")

    # Statistics reflect every step, and a region prefix of another county sees none of it.
    stats = system.wait_until(lambda: (s := summary(system, region="150623"))["participation_rate"] and s)
    # the same person twice: 2 person-times (人次); 1 distinct petitioner is the repeats figure's
    assert stats["received"] == 2 and stats["accepted"] == 1 and stats["persons"] == 2
    assert stats["timely_acceptance_rate"] == 0.5  # the diverted one was decided on day 18
    assert stats["on_time_completion_rate"] == 1.0
    assert stats["satisfaction_rate"] == 1.0 and stats["participation_rate"] == 1.0
    assert stats["repeat_rate"] == 0.5
    assert stats["previous_year"]["received"] == 0 and stats["yoy"]["received"] is None
    assert summary(system, region="110115")["received"] == 0  # a county no test here registers in

    volume = get(system, "/api/stats/volume?from=2026-11-01&to=2026-11-30&by=channel&region=150623")
    counts = {row["key"]: row["count"] for row in volume["series"]}
    assert counts == {"visit": 1, "letter": 1}


def test_last_year_is_compared(system):
    post(system, "/api/petitions", petition(500, region_code="360781", received_at="2025-11-03T09:00:00+08:00"), 201)
    for n in range(2):
        post(system, "/api/petitions", petition(501 + n, region_code="360781"), 201)
    stats = system.wait_until(lambda: (s := summary(system, region="360781"))["received"] == 2 and s)
    assert stats["previous_year"]["received"] == 1
    assert stats["yoy"]["received"] == 1.0
    volume = system.wait_until(lambda: (v := get(
        system, "/api/stats/volume?from=2026-11-01&to=2026-11-30&region=360781&granularity=month"))["series"]
        and v["series"][0]["previous_year_count"] == 1 and v)
    assert volume["series"] == [{"period": "2026-11-01", "key": "visit", "count": 2,
                                 "previous_year_count": 1, "yoy": 1.0,
                                 "persons": 2, "previous_year_persons": 1, "persons_yoy": 1.0}]


def test_openapi_document_describes_every_endpoint(system):
    spec = get(system, "/api/openapi.json")
    assert spec["openapi"].startswith("3.")
    assert {"/api/petitions", "/api/petitions/{id}/acceptance", "/api/assignments/{id}/reply",
            "/api/stats/summary", "/api/stats/volume"} <= set(spec["paths"])
    body = spec["paths"]["/api/petitions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("PetitionCreate")
