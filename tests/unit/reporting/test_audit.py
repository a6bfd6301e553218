"""The audit trail (审计留痕): who did what to a petition and to the records handling it, projected
from every event reporting follows, with ids, types, actors and times only."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from reporting import audit
from shared.envelope import make_envelope
from tests.support import throwaway_readmodel

BEIJING = timezone(timedelta(hours=8))
PETITION, ASSIGNMENT, MEDIATION, CASE, WATCH = (str(uuid.UUID(int=n)) for n in (0xA1, 0xA2, 0xA3, 0xA4, 0xA5))
OTHER_PETITION = str(uuid.UUID(int=0xB1))


def at(minute: int) -> datetime:
    return datetime(2026, 11, 20, 9, minute, tzinfo=BEIJING)


def envelope(service, position, type_, subject, minute, actor, data, correlation=None):
    return make_envelope(service, position, position - 1, type_, at(minute), subject, data, actor, correlation)


# One petition's course across the services, as each one publishes it (data trimmed to what the
# statistics read; personal data is never in a published event anyway, but some texts are).
COURSE = [
    ("intake", envelope("intake", 1, "petition.registered", PETITION, 0, "clerk-wang", {
        "petition_id": PETITION, "channel": "visit", "region_code": "110105", "category": "labour_dispute",
        "matter_type": "request", "received_at": at(0).isoformat(), "acceptance_deadline": "2026-12-05",
        "petitioner_ref": "ref-1", "repeat_of": None}, "req-1")),
    ("intake", envelope("intake", 2, "petition.acceptance_decided", PETITION, 5, "clerk-li", {
        "petition_id": PETITION, "decision": "accepted", "decided_at": at(5).isoformat(), "timely": True}, "req-2")),
    ("dispatch", envelope("dispatch", 1, "assignment.created", ASSIGNMENT, 6, "system", {
        "assignment_id": ASSIGNMENT, "petition_id": PETITION, "unit_id": "u1",
        "handling_deadline": "2027-01-20"}, "req-2")),
    # Later assignment events no longer name the petition: the trail finds them through the link.
    ("dispatch", envelope("dispatch", 2, "assignment.signed", ASSIGNMENT, 9, "unit-zhao", {
        "assignment_id": ASSIGNMENT, "unit_id": "u1", "signed_at": at(9).isoformat(), "on_time": True}, "req-3")),
    ("mediation", envelope("mediation", 1, "mediation.opened", MEDIATION, 10, "mediator-sun", {
        "mediation_id": MEDIATION, "petition_id": PETITION, "opened_at": at(10).isoformat(),
        "region_code": "110105", "category": "labour_dispute", "source": "petition", "layer": "administrative"})),
    ("ownership", envelope("ownership", 1, "ownership.designated", CASE, 11, "system", {
        "case_id": CASE, "petition_id": PETITION, "designated_at": at(11).isoformat(), "region_code": "110105",
        "category": "labour_dispute", "trigger": "manual"})),
    ("supervision", envelope("supervision", 1, "supervision.closed", WATCH, 12, "system", {
        "supervision_id": WATCH, "unit_id": "u1", "region_code": "110105", "closed_at": at(12).isoformat(),
        "on_time": True})),
    ("intake", envelope("intake", 3, "petition.registered", OTHER_PETITION, 3, "clerk-wang", {
        "petition_id": OTHER_PETITION, "channel": "letter", "region_code": "110105", "category": "labour_dispute",
        "matter_type": "request", "received_at": at(3).isoformat(), "acceptance_deadline": "2026-12-05",
        "petitioner_ref": "ref-2", "repeat_of": None})),
]


# -- the projection, pure ----------------------------------------------------------------------------
def test_an_entry_keeps_who_when_what_and_which_record_and_nothing_else():
    _, registered = COURSE[0]
    registered = {**registered, "data": {**registered["data"], "subject": "拖欠工资", "name": "张某某"}}
    entry = audit.entry("intake", registered)
    assert entry == audit.AuditEntry(service="intake", position=1, at=at(0).isoformat(),
                                     type="petition.registered", actor="clerk-wang", aggregate_id=PETITION,
                                     petition_id=PETITION, correlation_id="req-1")
    assert "张某某" not in json.dumps(entry.row(), ensure_ascii=False)


def test_an_event_without_actor_or_petition_is_the_systems_on_its_own_record():
    bare = {"source": "urn:xinfang:supervision", "position": 7, "time": at(1).isoformat(),
            "type": "supervision.letter_issued", "subject": WATCH, "data": {"supervision_id": WATCH}}
    entry = audit.entry("supervision", bare)
    assert (entry.actor, entry.petition_id, entry.correlation_id) == ("system", None, None)


def test_links_tie_a_record_to_the_petition_it_names():
    _, created = COURSE[2]
    assert audit.links(created) == [(ASSIGNMENT, PETITION)]
    _, signed = COURSE[3]
    assert audit.links(signed) == []  # names no petition
    linked = envelope("intake", 9, "petition.assignment_linked", PETITION, 7, "system",
                      {"petition_id": PETITION, "assignment_id": ASSIGNMENT, "unit_id": "u1"})
    assert audit.links(linked) == [(ASSIGNMENT, PETITION)]  # intake's own event links the assignment
    assert audit.links(COURSE[0][1]) == []  # a petition is its own


def test_a_read_of_personal_data_is_on_the_trail_of_the_record_read_and_adds_no_link():
    read = envelope("mediation", 9, "mediation.personal_data_read", str(uuid.UUID(int=0xC1)), 20, "clerk-qian", {
        "mediation_id": MEDIATION, "petition_id": PETITION, "record_id": MEDIATION, "view": "notices",
        "role": "clerk", "unit": None}, "req-9")
    entry = audit.entry("mediation", read)
    assert (entry.type, entry.actor, entry.aggregate_id, entry.petition_id) == (
        "mediation.personal_data_read", "clerk-qian", MEDIATION, PETITION)
    assert audit.links(read) == []


@pytest.mark.parametrize("asked, answered", [(0, 1), (-5, 1), (50, 50), (10**6, audit.MAX_LIMIT)])
def test_the_limit_is_bounded(asked, answered):
    assert audit.bounded_limit(asked) == answered


# -- the SQL, against a throwaway database -------------------------------------------------------------
@pytest.fixture(scope="module")
def readmodel():
    older = "CREATE TABLE reporting.stats_petitions (petition_id uuid PRIMARY KEY, channel text)"
    with throwaway_readmodel(older) as model:
        yield model


@pytest.fixture(scope="module")
def processed(readmodel):
    # Sources in an order of their own: supervision first, then dispatch before intake.
    order = ("supervision", "ownership", "mediation", "dispatch", "intake")
    for source in order:
        for s, e in COURSE:
            if s == source:
                assert readmodel.process(source, e)  # every event writes: its trail at least
    # A link the trail learns after the fact: the watch's petition, named by the watch's opening
    # published later than its closing (positions out of time order do not matter).
    opened = envelope("supervision", 2, "supervision.opened", WATCH, 8, "system", {
        "supervision_id": WATCH, "petition_id": PETITION, "kind": "handling", "subject_id": ASSIGNMENT,
        "unit_id": "u1", "region_code": "110105", "deadline": "2027-01-20", "manual": False,
        "opened_at": at(8).isoformat()})
    assert readmodel.process("supervision", opened)
    return readmodel


def trail(readmodel, subject, **kwargs):
    return [(e["service"], e["type"], e["actor"]) for e in readmodel.audit(subject, **kwargs)]


def test_a_petitions_trail_holds_its_records_events_in_time_order(processed):
    assert trail(processed, PETITION) == [
        ("intake", "petition.registered", "clerk-wang"),
        ("intake", "petition.acceptance_decided", "clerk-li"),
        ("dispatch", "assignment.created", "system"),
        ("supervision", "supervision.opened", "system"),
        ("dispatch", "assignment.signed", "unit-zhao"),
        ("mediation", "mediation.opened", "mediator-sun"),
        ("ownership", "ownership.designated", "system"),
        ("supervision", "supervision.closed", "system")]
    first = processed.audit(PETITION)[0]
    assert first == {"service": "intake", "position": 1, "at": first["at"], "type": "petition.registered",
                     "actor": "clerk-wang", "aggregate_id": PETITION, "petition_id": PETITION,
                     "correlation_id": "req-1"}
    assert datetime.fromisoformat(first["at"]) == at(0)


def test_a_record_an_actor_or_a_request_is_a_subject_too(processed):
    assert trail(processed, ASSIGNMENT) == [("dispatch", "assignment.created", "system"),
                                            ("dispatch", "assignment.signed", "unit-zhao")]
    assert trail(processed, "clerk-wang") == [("intake", "petition.registered", "clerk-wang")] * 2
    assert trail(processed, "req-2") == [("intake", "petition.acceptance_decided", "clerk-li"),
                                         ("dispatch", "assignment.created", "system")]
    assert trail(processed, "nobody") == []


def test_limit_and_period(processed):
    assert len(processed.audit(PETITION, limit=3)) == 3
    assert trail(processed, PETITION, since=at(9), until=at(10)) == [
        ("dispatch", "assignment.signed", "unit-zhao"), ("mediation", "mediation.opened", "mediator-sun")]


def test_reprocessing_and_a_rebuild_keep_one_entry_per_event(processed):
    before = processed.audit(PETITION)
    processed.reset()  # a statistics rebuild empties the statistics and the tracking, not the trail
    assert processed.audit(PETITION) == before
    for source, e in COURSE:
        processed.process(source, e)
    assert processed.audit(PETITION) == before
    assert processed.tracked_position("intake") == 3


def test_a_parked_event_is_still_on_the_trail(processed):
    broken = envelope("dispatch", 3, "assignment.replied", ASSIGNMENT, 30, "unit-zhao",
                      {"assignment_id": ASSIGNMENT})  # what the statistics need is missing
    processed.park("dispatch", broken, "KeyError: replied_at")
    assert trail(processed, ASSIGNMENT)[-1] == ("dispatch", "assignment.replied", "unit-zhao")
