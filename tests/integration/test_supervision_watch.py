"""The deadline watch (督查督办) on the real broker and database, with real nameko containers for
intake, dispatch and supervision on a virtual host and database of the test's own: a petition
registered and accepted over intake's RPC with back-dated times, so that its assignment's handling
limit has long passed, makes supervision open its watches from the real events — the acceptance limit
closed by the decision, the handling limit open; a scan for an explicit date issues the warning, a
second scan for that date nothing; the unit's reply over dispatch's RPC closes the watch."""
import uuid


from dispatch.application import assignment_id_for
from services.dispatch import DispatchService
from services.intake import IntakeService
from services.supervision import SupervisionService
from supervision.domain import supervision_id_for
from tests.support import REPLY, petition

CLERK, STAFF, OFFICE = "登记员某", "承办人某", "督查科某"












def found(call):
    """The call's answer, or None while the thing it asks for does not exist yet."""
    def attempt():
        try:
            return call()
        except Exception:  # NotFound until supervision (or dispatch) has followed the events
            return None
    return attempt


def caught_up(infra, rpc, sources=("intake", "dispatch")) -> None:
    """Waits until supervision has followed each source's log to its newest event."""
    logs = {source: getattr(rpc, source).notifications(0, 1000) for source in sources}
    newest = {source: envelopes[-1]["position"] for source, envelopes in logs.items() if envelopes}
    infra.wait_until(lambda: all(infra.health("supervision")["tracking"].get(source, 0) >= position
                                 for source, position in newest.items()), timeout=30)


def test_an_overdue_assignment_is_warned_once_and_its_reply_closes_the_watch(infra, services, rpc,
                                                                          assignment_of):
    services(IntakeService, DispatchService, SupervisionService)
    petition_id = str(uuid.uuid4())
    rpc.intake.register(petition_id, petition(771, received_at="2026-08-03T09:30:00+08:00"), actor=CLERK)
    rpc.intake.decide_acceptance(petition_id, "accepted", "属本机关受理范围", decided_at="2026-08-05T10:00:00+08:00",
                                 actor=CLERK)
    assignment_id = str(assignment_id_for(uuid.UUID(petition_id)))
    assignment = assignment_of(assignment_id)
    unit = assignment["unit"]
    # 60 days from 5 August end on Sunday 4 October, in the National Day holiday: the limit runs to 8 October.
    assert assignment["deadline"] == "2026-10-08"

    # Supervision opened both watches from the real events: the acceptance limit (15 days from
    # 3 August) closed on time by the decision, the handling limit open for the unit.
    handling_id = str(supervision_id_for("handling", assignment_id))
    handling = infra.wait_until(found(lambda: rpc.supervision.get_supervision(handling_id)), timeout=30)
    assert (handling["kind"], handling["status"], handling["unit"], handling["petition_id"]) == (
        "handling", "watching", unit, petition_id)
    assert (handling["deadline"], handling["at_risk_on"], handling["letters"]) == ("2026-10-08", "2026-09-28", [])
    acceptance_id = str(supervision_id_for("acceptance", petition_id))
    acceptance = infra.wait_until(
        found(lambda: (w := rpc.supervision.get_supervision(acceptance_id))["status"] == "closed" and w), timeout=30)
    assert acceptance["deadline"] == "2026-08-18"
    assert acceptance["closed"]["on_time"] is True
    assert acceptance["closed"]["reason"] == "petition.acceptance_decided"
    assert acceptance["closed"]["at"] == "2026-08-05T10:00:00+08:00"
    caught_up(infra, rpc)

    # The first scan, for an explicit Friday: the limit is long past, so the warning (not a
    # reminder, not a back-dated letter), due in 3 working days.
    scanned = rpc.supervision.scan(as_of="2026-11-20", actor=OFFICE)
    assert (scanned["as_of"], scanned["issued"], scanned["by_letter"]) == ("2026-11-20", 1, {"warning": 1})
    again = rpc.supervision.scan(as_of="2026-11-20", actor=OFFICE)
    assert (again["issued"], again["by_letter"]) == (0, {})
    warned = rpc.supervision.get_supervision(handling_id)
    assert [(x["letter"], x["name"], x["issued_on"], x["reply_by"], x["unit_id"]) for x in warned["letters"]] == [
        ("warning", "预警函", "2026-11-20", "2026-11-25", unit)]
    [document] = rpc.supervision.letters(handling_id)
    assert document["title"] == "信访事项预警函" and document["issued_on"] == "2026-11-20"
    assert "2026年10月8日" in document["text"] and "2026年11月25日" in document["text"]
    assert "《信访工作条例》第四十条" in document["text"]
    issued = [e for e in rpc.supervision.notifications(0, 1000) if e["type"] == "supervision.letter_issued"]
    assert [(e["data"]["supervision_id"], e["data"]["letter"], e["data"]["unit_id"]) for e in issued] == [
        (handling_id, "warning", unit)]

    # The unit signs, replies and the bureau lets the reply out (答复预审): the limit is met, late.
    rpc.dispatch.sign(assignment_id, unit, signed_at="2026-08-06T09:00:00+08:00", actor=STAFF)
    rpc.dispatch.reply(assignment_id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"],
                       replied_at="2026-11-21T10:00:00+08:00", actor=STAFF)
    rpc.dispatch.decide_pre_review(assignment_id, True, decided_at="2026-11-21T15:00:00+08:00", actor="信访局预审员")
    closed = infra.wait_until(
        found(lambda: (w := rpc.supervision.get_supervision(handling_id))["status"] == "closed" and w), timeout=30)
    assert closed["closed"] == {"reason": "assignment.replied", "at": "2026-11-21T15:00:00+08:00", "on_time": False}
    caught_up(infra, rpc)

    # Closed: the ladder stops; later scans issue nothing for it.
    assert rpc.supervision.scan(actor=OFFICE)["issued"] == 0
    assert [x["letter"] for x in rpc.supervision.get_supervision(handling_id)["letters"]] == ["warning"]
    published = rpc.supervision.notifications(0, 1000)
    assert {watch: [e["type"] for e in published if e["data"].get("supervision_id") == watch]
            for watch in (acceptance_id, handling_id)} == {
        acceptance_id: ["supervision.opened", "supervision.closed"],
        handling_id: ["supervision.opened", "supervision.letter_issued", "supervision.closed"]}
