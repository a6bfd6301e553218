"""Supervision over HTTP with every service a real process, on a system of its own (the scan's
days are the system's, so no other test may scan them first): an assignment goes overdue, gets a
warning and then a supervision letter, the unit answers, replies, and the watch closes."""

from supervision.domain import supervision_id_for
from tests.conftest import system_of_its_own
from tests.support import REPLY, petition

OFFICE = {"user": "dubanke-zhou"}  # as the administrator, so that the course runs whole


quiet_system = system_of_its_own("supervision")


def call(system, method, path, body=None, status=200):
    answer = system.session(**OFFICE).request(method, system.url(path), json=body, timeout=30)
    assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text[:400]}"
    return answer.json()


def at(day: str) -> str:
    return f"{day}T10:00:00+08:00"


def test_an_overdue_assignment_escalates_the_unit_answers_and_the_watch_closes(quiet_system):
    system = quiet_system
    registered = call(system, "POST", "/api/petitions",
                      petition(761, region_code="371321", category="labour_dispute", received_at=at("2026-06-01")), 201)
    call(system, "POST", f"/api/petitions/{registered['id']}/acceptance",
         {"decision": "accepted", "reason": "依法受理", "decided_at": at("2026-06-03")})
    assignment = system.wait_until(lambda: (p := call(system, "GET", f"/api/petitions/{registered['id']}"))
                                   ["assignment_id"] and p)["assignment_id"]
    view = call(system, "GET", f"/api/assignments/{assignment}")
    unit, deadline = view["unit"], view["deadline"]
    assert deadline == "2026-08-03"  # 60 days from 3 June: 2 August is a Sunday
    call(system, "POST", f"/api/assignments/{assignment}/sign", {"unit": unit, "signed_at": at("2026-06-04")})

    watch_id = str(supervision_id_for("handling", assignment))
    path = f"/api/supervisions/{watch_id}"
    watch = system.wait_until(lambda: (r := system.session().get(system.url(path), timeout=30)).ok and r.json())
    assert (watch["unit"], watch["deadline"], watch["at_risk_on"]) == (unit, deadline, "2026-07-29")
    # The acceptance limit was met by the decision: that watch is closed, on time.
    acceptance = call(system, "GET", f"/api/supervisions/{supervision_id_for('acceptance', registered['id'])}")
    assert acceptance["status"] == "closed" and acceptance["closed"]["on_time"] is True

    # Day by day, as the timer would: a reminder, then a warning the day after the limit.
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-07-28"})["issued"] == 0
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-07-29"})["by_letter"] == {"reminder": 1}
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-04"})["by_letter"] == {"warning": 1}
    again = call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-04"})
    assert again["issued"] == 0  # the same date twice issues nothing twice
    warned = call(system, "GET", path)
    [reminder, warning] = warned["letters"]
    assert (reminder["letter"], reminder["issued_on"]) == ("reminder", "2026-07-29")
    assert (warning["letter"], warning["issued_on"], warning["reply_by"]) == ("warning", "2026-08-04", "2026-08-07")

    # Still overdue after the warning's reply deadline: a supervision letter (督办函) — due on
    # Saturday the 8th, it goes out on the next working day.
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-07"})["issued"] == 0
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-08"})["issued"] == 0
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-09"})["issued"] == 0
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-10"})["by_letter"] == {"supervision": 1}
    letters = call(system, "GET", path + "/letters")["letters"]
    assert [x["title"] for x in letters] == ["信访事项提醒函", "信访事项预警函", "信访事项督办函"]
    assert "2026年8月3日" in letters[2]["text"] and "第三十九条" in letters[2]["text"]

    # The unit finds the letters it has to answer in its own list (the console's 督办函); no other unit does.
    handler = system.session("unit_handler", "unit-sun", unit)

    def to_answer(session):
        items = session.get(system.url("/api/worklists/letters"), timeout=30).json()["items"]
        return [(i["letter_name"], i["reply_by"]) for i in items if i["supervision_id"] == watch_id]
    assert ("督办函", letters[2]["reply_by"]) in system.wait_until(lambda: to_answer(handler), timeout=20)
    assert to_answer(system.session("unit_handler", "unit-ma", "yinan-zhengfu")) == []

    # The unit answers the supervision letter, replies, and the bureau lets the reply out: closed.
    call(system, "POST", path + "/responses", {"letter": "supervision", "unit": "yinan-zhengfu", "text": "x"}, 409)
    answered = call(system, "POST", path + "/responses", {
        "letter": "supervision", "unit": unit, "text": "已成立专班，三日内答复", "responded_at": at("2026-08-10")})
    assert answered["letters"][2]["response"]["on_time"] is True
    system.wait_until(lambda: "督办函" not in [name for name, _ in to_answer(handler)], timeout=20)
    call(system, "POST", f"/api/assignments/{assignment}/reply", {**REPLY, "replied_at": at("2026-08-11")})
    call(system, "POST", f"/api/assignments/{assignment}/pre-review", {"approved": True, "decided_at": at("2026-08-12")})
    closed = system.wait_until(lambda: (w := call(system, "GET", path))["status"] == "closed" and w)
    assert closed["closed"]["on_time"] is False
    # Closed: the ladder stops — no accountability recommendation follows.
    assert call(system, "POST", "/api/supervision-scan", {"as_of": "2026-08-20"})["issued"] == 0
    assert [x["letter"] for x in call(system, "GET", path)["letters"]] == ["reminder", "warning", "supervision"]
