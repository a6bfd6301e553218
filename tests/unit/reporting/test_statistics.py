"""Statistics definitions (DOMAIN.md §8) and the facts each integration event sets."""
from datetime import date, datetime

import pytest

from reporting.facts import FactUpdate, updates
from reporting import statistics
from reporting.statistics import rates, summary, year_earlier, yoy
from shared.clock import BEIJING
from shared.envelope import make_envelope

COUNTS = {"received": 40, "persons": 30, "accepted": 32, "repeats": 10,
          "decided_in_time": 27, "decided_late": 2, "undecided_overdue": 1,
          "replied_on_time": 18, "replied_late": 1, "unreplied_overdue": 1,
          "rated": 16, "expired_unrated": 4, "satisfied": 12,
          # petitions: 12 rated satisfied and 1 agreed in mediation, of 20 rated or expired and 2
          # whose mediation ended (1 agreed, 1 refused)
          "resolved": 13, "concluded": 22, "first_resolved": 9, "first_concluded": 12}
EMPTY = dict.fromkeys(COUNTS, 0)


def test_a_months_counts_give_the_published_rates():
    r = rates(COUNTS)
    assert r["timely_acceptance_rate"] == pytest.approx(27 / 30)
    assert r["on_time_completion_rate"] == pytest.approx(18 / 20)
    assert r["participation_rate"] == pytest.approx(16 / 20)
    assert r["satisfaction_rate"] == pytest.approx(12 / 16)
    assert r["repeat_rate"] == pytest.approx(10 / 40)
    assert r["resolution_rate"] == pytest.approx(13 / 22)
    assert r["first_petition_resolution_rate"] == pytest.approx(9 / 12)
    assert (r["received"], r["persons"]) == (40, 30)


def test_a_rate_with_nothing_in_its_denominator_is_no_figure_not_zero():
    r = rates({**EMPTY, "received": 3})
    assert r["repeat_rate"] == 0
    for name in ("timely_acceptance_rate", "on_time_completion_rate", "participation_rate",
                 "satisfaction_rate", "resolution_rate", "first_petition_resolution_rate"):
        assert r[name] is None, name


def test_year_on_year_change():
    assert yoy(30, 20) == pytest.approx(0.5)
    assert yoy(15, 20) == pytest.approx(-0.25)
    assert yoy(5, 0) is None
    s = summary(COUNTS, {**EMPTY, "received": 32, "persons": 30, "accepted": 0, "repeats": 8})
    assert {k: v for k, v in s["yoy"].items() if k not in ("five_volumes", "per_person")} == {
        "received": pytest.approx(0.25), "persons": 0.0, "accepted": None, "repeats": pytest.approx(0.25)}
    assert s["yoy"]["five_volumes"]["petitions"] == pytest.approx(0.25)
    assert s["yoy"]["five_volumes"]["court"] is None  # no court cases either year
    assert s["previous_year"]["received"] == 32


def test_per_person_a_group_visit_counts_every_person_in_numerator_and_denominator():
    # Two petitions received: a group visit of 30 (accepted in time, rated satisfied) and one
    # person's letter (accepted late, a repeat, rated unsatisfied): 人次 31.
    per_petition = {**EMPTY, "received": 2, "persons": 31, "accepted": 2, "decided_in_time": 1, "decided_late": 1,
                    "repeats": 1, "rated": 2, "satisfied": 1, "resolved": 1, "concluded": 2,
                    "first_resolved": 1, "first_concluded": 1}
    weighted = {"received_persons": 31, "accepted_persons": 31, "decided_in_time_persons": 30,
                "decided_late_persons": 1, "repeats_persons": 1, "rated_persons": 31, "satisfied_persons": 30,
                "resolved_persons": 30, "concluded_persons": 31, "first_resolved_persons": 30,
                "first_concluded_persons": 30, "resolved_by_unit_persons": {"u-village": 30}}
    s = summary({**per_petition, **weighted}, EMPTY, {"u-village": "village"})
    assert s["timely_acceptance_rate"] == pytest.approx(1 / 2) and s["repeat_rate"] == pytest.approx(1 / 2)
    p = s["per_person"]
    assert (p["received"], p["accepted"], p["repeats"]) == (31, 31, 1)
    assert p["timely_acceptance_rate"] == pytest.approx(30 / 31)
    assert p["satisfaction_rate"] == pytest.approx(30 / 31) and p["repeat_rate"] == pytest.approx(1 / 31)
    assert p["resolution_rate"] == pytest.approx(30 / 31) and p["first_petition_resolution_rate"] == 1
    assert p["on_time_completion_rate"] is None  # nothing replied or overdue: no figure, not zero
    assert p["resolution_levels"]["village"] == 30 and p["resolution_levels"]["shares"]["village"] == 1
    assert s["previous_year"]["per_person"]["received"] == 0 and s["yoy"]["per_person"]["received"] is None


def test_the_same_day_a_year_earlier():
    assert year_earlier(date(2026, 11, 2)) == date(2025, 11, 2)
    assert year_earlier(date(2028, 2, 29)) == date(2027, 2, 28)


def envelope(type_, data):
    return make_envelope("intake", 7, 6, type_, datetime(2026, 11, 2, tzinfo=BEIJING), "x", data)


def test_a_registration_late_in_the_utc_day_is_received_on_the_beijing_date():
    [update] = updates(envelope("petition.registered", {
        "petition_id": "p1", "channel": "visit", "region_code": "150623101", "category": "education",
        "matter_type": "complaint", "received_at": "2026-11-01T17:00:00+00:00",
        "acceptance_deadline": "2026-11-17", "petitioner_ref": "ref1", "repeat_of": "p0", "group_size": 30}))
    assert update == FactUpdate("petitions", "p1", {
        "channel": "visit", "region_code": "150623101", "category": "education",
        "matter_type": "complaint", "received_on": "2026-11-02", "acceptance_deadline": "2026-11-17",
        "petitioner_ref": "ref1", "is_repeat": True, "group_size": 30})


def test_a_rerouted_assignment_is_credited_to_the_unit_that_handles_it_now():
    [update] = updates(envelope("assignment.rerouted", {
        "assignment_id": "a1", "petition_id": "p1", "from_unit": "u-county", "to_unit": "u-township",
        "rerouted_at": "2026-11-03T10:00:00+08:00", "sign_deadline": "2026-11-06"}))
    # and it waits again in the new unit's queue, to be signed for by the new sign-for limit
    assert update == FactUpdate("assignments", "a1", {"unit_id": "u-township", "sign_deadline": "2026-11-06",
                                                      "signed_on": None, "stage": "assigned"})


def test_a_mediation_agreement_resolves_its_petition_whatever_a_later_mediation_ends_in():
    def outcome(kind, extra):
        return updates(make_envelope("mediation", 1, 0, kind, datetime(2026, 11, 2, tzinfo=BEIJING), "m", {
            "mediation_id": "m1", "petition_id": "p1", "layer": "people", **extra}))[-1]
    assert outcome("mediation.agreement_reached", {"effective_on": "2026-11-02"}) == FactUpdate(
        "petitions", "p1", {"mediation_outcome": "agreed", "mediation_agreed": True})
    # a later refusal concludes but never unsets the agreement (the column is not in the update)
    assert outcome("mediation.ended", {"reason": "refused", "ended_at": "2026-11-09T10:00:00+08:00"}) == FactUpdate(
        "petitions", "p1", {"mediation_outcome": "refused"})


def test_decisions_replies_and_ratings_set_their_columns():
    [decided] = updates(envelope("petition.acceptance_decided", {
        "petition_id": "p1", "decision": "accepted", "decided_at": "2026-11-17T16:30:00+00:00",
        "timely": True}))
    assert decided == FactUpdate("petitions", "p1", {"decision": "accepted",
                                                     "decided_on": "2026-11-18", "timely": True})
    [replied] = updates(envelope("assignment.replied", {
        "assignment_id": "a1", "replied_at": "2026-12-01T10:00:00+08:00", "on_time": False,
        "outcome": "explain", "evaluation_deadline": "2026-12-31"}))
    assert replied.table == "assignments" and replied.key == "a1"
    assert replied.values == {"replied_on": "2026-12-01", "on_time": False, "outcome": "explain",
                              "evaluation_deadline": "2026-12-31", "stage": "replied"}
    [rated] = updates(envelope("assignment.evaluated", {
        "assignment_id": "a1", "rating": "satisfied", "rated_at": "2026-12-05T09:00:00+08:00"}))
    assert rated.values == {"rating": "satisfied", "rated_on": "2026-12-05", "stage": "evaluated"}
    [extended] = updates(envelope("assignment.extended", {
        "assignment_id": "a1", "days": 30, "handling_deadline": "2027-01-04"}))
    assert extended.values == {"handling_deadline": "2027-01-04"}


def test_the_work_queue_follows_an_assignment_from_signing_to_pre_review_and_back():
    def stage(kind, data):
        return updates(envelope(kind, {"assignment_id": "a1", **data}))
    assert stage("assignment.signed", {"signed_at": "2026-11-04T09:00:00+08:00"})[0].values == {
        "signed_on": "2026-11-04", "stage": "signed"}
    assert stage("assignment.reply_drafted", {"drafted_at": "2026-11-20T09:00:00+08:00"})[0].values == {
        "drafted_on": "2026-11-20", "stage": "pre_review"}
    assert stage("assignment.pre_reviewed", {"approved": False})[0].values == {"stage": "signed"}
    assert stage("assignment.pre_reviewed", {"approved": True}) == []  # the reply that follows moves it
    assert stage("assignment.review_requested", {"stage": "review"})[0].values == {"stage": "under_review"}


def test_events_the_statistics_do_not_use_set_nothing():
    assert updates(envelope("petition.assignment_linked", {"petition_id": "p1"})) == []
    assert updates(envelope("event.parked", {"source": "intake", "position": 3})) == []


def test_the_five_volumes_count_each_agency_event_where_bureaus_count_it():
    # The mediation volume is the mediations opened (7, among them the 3 disputes 110 handed over
    # and the 2 court referrals): the agency events that open them do not count there again.
    volumes = statistics.five_volumes(12, {"work_order.created": 40, "alert.received": 20,
                                           "alert.transferred": 3, "case.filed": 6,
                                           "mediation.referred": 2, "judicial_confirmation.decided": 1}, 7)
    assert volumes == {"hotline12345": 40, "police110": 23, "court": 6, "petitions": 12, "mediation": 7}
    assert statistics.five_volumes(0, {"mediation.referred": 2})["mediation"] == 0


def test_the_summary_counts_the_mediations_opened_in_the_mediation_volume():
    s = summary({**COUNTS, "mediations": 4}, {**EMPTY, "mediations": 2})
    assert s["five_volumes"]["mediation"] == 4 and s["previous_year"]["five_volumes"]["mediation"] == 2
    assert s["yoy"]["five_volumes"]["mediation"] == pytest.approx(1.0)


def test_petitions_from_agencies_are_keyed_apart_from_the_agencies_own_volumes():
    assert statistics.petition_channel_key("visit") == "visit"
    assert statistics.petition_channel_key("hotline12345") == "petition:hotline12345"
