"""Backlog designation (信访积案) on the real broker and database, with real nameko containers for
intake, dispatch and ownership: a petition and its three repeats registered over intake's RPC make
one backlog case, an accepted petition whose re-review (复核) ends with the petitioner unsatisfied
makes one, and the same events delivered again — to a restarted ownership container, and once more
over the broker — make nothing more."""
import re
import uuid

import requests
from kombu import Connection, Exchange, Producer

from dispatch.application import assignment_id_for
from ownership.domain import case_id_for
from services.dispatch import DispatchService
from services.intake import IntakeService
from services.ownership import OwnershipService
from tests.support import REPLY, petition

REVIEW_OPINION = {"findings": "复查查明，原处理意见认定事实清楚。", "result": "维持原处理意见。",
                  "legal_basis": "《信访工作条例》第三十五条", "remedy": "如不服，可于收到本意见书之日起30日内申请复核。"}
RE_REVIEW_OPINION = {"findings": "复核查明，复查意见程序合法。", "result": "维持复查意见，复核终结。",
                     "legal_basis": "《信访工作条例》第三十六条", "remedy": "同一事实和理由不再受理。"}
STAFF = "承办人某"












def case(rpc, petition_id):
    try:
        return rpc.ownership.get_case(str(case_id_for(uuid.UUID(petition_id))))
    except Exception:  # NotFound until ownership designates it
        return None


def designated(rpc) -> list[dict]:
    return [e["data"] for e in rpc.ownership.notifications(0, 1000) if e["type"] == "ownership.designated"]


def caught_up(infra, rpc, sources=("intake", "dispatch")) -> None:
    """Waits until ownership has followed each source's log to its newest event."""
    logs = {source: getattr(rpc, source).notifications(0, 1000) for source in sources}
    newest = {source: envelopes[-1]["position"] for source, envelopes in logs.items() if envelopes}
    infra.wait_until(lambda: all(infra.health("ownership")["tracking"].get(source, 0) >= position
                                 for source, position in newest.items()), timeout=30)


def duplicates(infra, source: str) -> float:
    """How many of `source`'s events ownership's followers have skipped as duplicates (from /metrics)."""
    text = requests.get(f"http://127.0.0.1:{infra.ports['ownership']}/metrics", timeout=5).text
    labels = "".join(f'(?=[^}}]*{name}="{value}")' for name, value in (
        ("service", "ownership"), ("source", source), ("outcome", "duplicate")))
    pattern = r"^xinfang_events_consumed_total\{" + labels + r"[^}]*\} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def deliver_again(infra, source: str, envelopes: list[dict]) -> None:
    """Publishes a source's envelopes once more, as its relay did (at-least-once delivery)."""
    exchange = Exchange(f"{source}.events", type="topic", durable=True)
    with Connection(infra.amqp_uri, transport_options={"confirm_publish": True}) as conn:
        producer = Producer(conn.channel(), exchange=exchange)
        for envelope in envelopes:
            producer.publish(envelope, routing_key=envelope["type"], serializer="json", delivery_mode=2,
                             message_id=envelope["id"])


def redelivered_designate_nothing_more(infra, services, rpc) -> None:
    before = designated(rpc)
    services.restart(OwnershipService)
    caught_up(infra, rpc)
    for source in ("intake", "dispatch"):
        envelopes = getattr(rpc, source).notifications(0, 1000)
        expected = duplicates(infra, source) + len(envelopes)
        deliver_again(infra, source, envelopes)
        infra.wait_until(lambda source=source, expected=expected: duplicates(infra, source) >= expected,
                         timeout=30)
    assert designated(rpc) == before
    assert len(rpc.ownership.cases()) == len(before)


def test_a_petition_and_three_repeats_designate_one_case(infra, services, rpc):
    services(IntakeService, DispatchService, OwnershipService)
    first = str(uuid.uuid4())
    rpc.intake.register(first, petition(601), actor="登记员某")
    repeats = [str(uuid.uuid4()) for _ in range(3)]
    for day, repeat in enumerate(repeats, start=3):
        registered = rpc.intake.register(repeat, petition(601, received_at=f"2026-11-{day:02d}T09:30:00+08:00"),
                                         actor="登记员某")
        assert registered["repeat_of"] == first

    backlog = infra.wait_until(lambda: case(rpc, first), timeout=30)
    assert (backlog["trigger"], backlog["trigger_name"], backlog["status"]) == ("repeats", "反复信访", "designated")
    assert (backlog["petition_id"], backlog["reason"]) == (first, "反复信访：同一事项重复信访3次")
    assert backlog["designated_at"] == "2026-11-05T09:30:00+08:00"  # the third repeat's
    assert [(e["type"], e["actor"]) for e in backlog["history"]] == [("designated", "system")]
    caught_up(infra, rpc)
    assert [d["petition_id"] for d in designated(rpc)] == [first]
    assert [c["id"] for c in rpc.ownership.cases()] == [backlog["id"]]

    redelivered_designate_nothing_more(infra, services, rpc)


def test_an_unsatisfied_re_review_designates_its_matter(infra, services, rpc, assignment_of):
    services(IntakeService, DispatchService, OwnershipService)
    accepted = str(uuid.uuid4())
    rpc.intake.register(accepted, petition(602), actor="登记员某")
    rpc.intake.decide_acceptance(accepted, "accepted", "属本机关受理范围", actor="登记员某")
    assignment_id = str(assignment_id_for(uuid.UUID(accepted)))

    unit = assignment_of(assignment_id)["unit"]
    rpc.dispatch.sign(assignment_id, unit, actor=STAFF)
    rpc.dispatch.reply(assignment_id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], actor=STAFF)
    rpc.dispatch.decide_pre_review(assignment_id, True, actor="信访局预审员")
    rpc.dispatch.evaluate(assignment_id, "unsatisfied", actor=STAFF)
    for stage, reasons, opinion in (("review", "对处理意见不服。", REVIEW_OPINION),
                                    ("re_review", "对复查意见仍不服，请求复核。", RE_REVIEW_OPINION)):
        requested = rpc.dispatch.request_review(assignment_id, reasons, actor=STAFF)
        reviewer = requested["reviews"][stage]["reviewer_unit"]  # the body the assignment names
        decided = rpc.dispatch.decide_review(assignment_id, reviewer, "upheld", opinion, actor="复查复核机关某")
        if stage == "review":
            assert decided["status"] == "reviewed"
    assert decided["status"] == "closed"

    backlog = infra.wait_until(lambda: case(rpc, accepted), timeout=30)
    assert (backlog["trigger"], backlog["reason"], backlog["petition_id"]) == (
        "unsatisfied_after_re_review", "复核后仍不满意", accepted)
    assert backlog["designated_at"] == decided["reviews"]["re_review"]["decided_at"]
    assert (backlog["region_code"], backlog["category"]) == (petition(602)["region_code"], petition(602)["category"])
    caught_up(infra, rpc)
    assert [(d["petition_id"], d["trigger"]) for d in designated(rpc)] == [(accepted, "unsatisfied_after_re_review")]

    redelivered_designate_nothing_more(infra, services, rpc)


def test_an_ownership_started_after_the_re_review_designates_it_too(infra, services, rpc, assignment_of):
    services(IntakeService, DispatchService)
    accepted = str(uuid.uuid4())
    rpc.intake.register(accepted, petition(603), actor="登记员某")
    rpc.intake.decide_acceptance(accepted, "accepted", "属本机关受理范围", actor="登记员某")
    assignment_id = str(assignment_id_for(uuid.UUID(accepted)))

    unit = assignment_of(assignment_id)["unit"]
    rpc.dispatch.sign(assignment_id, unit, actor=STAFF)
    rpc.dispatch.reply(assignment_id, REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], actor=STAFF)
    rpc.dispatch.decide_pre_review(assignment_id, True, actor="信访局预审员")
    for stage in ("review", "re_review"):
        reviewer = rpc.dispatch.request_review(assignment_id, "不服。", actor=STAFF)["reviews"][stage]["reviewer_unit"]
        rpc.dispatch.decide_review(assignment_id, reviewer, "upheld",
                                   REVIEW_OPINION if stage == "review" else RE_REVIEW_OPINION, actor="复查复核机关某")

    services(OwnershipService)  # a first deployment of ownership, on the history so far
    caught_up(infra, rpc)
    assert case(rpc, accepted) is not None
