"""Mediation in the statistics: the facts each of mediation's published events sets, the mediation
figures (by layer, judicial confirmation, year on year), and a petition concluded or resolved by its
mediation counted once in the resolution rate.

The events are mediation's own: mediations run in memory and read through its notification feed, so
a change to mediation/published.py that reporting depends on shows here. The SQL runs against a
throwaway PostgreSQL database when one is reachable (127.0.0.1:5432 by default), else is skipped.
"""
import uuid
from datetime import date, datetime

import pytest

from mediation.application import MediationApplication
from mediation.pool import MediatorPool
from mediation.published import translate
from reporting import statistics
from reporting.facts import FactUpdate, layer_key, updates
from reporting.queries import Statistics, keyed
from shared.clock import FixedClock
from shared.contracts.http import MediationStatsQuerySchema, MediationStatsSchema
from shared.envelope import make_envelope
from shared.feed import NotificationFeed
from support import throwaway_readmodel

REGION = "110115"
P_A, P_C, P_D, P_E, P_F, P_G = (str(uuid.UUID(int=n)) for n in range(1, 7))
M_A, M_B, M_C, M_E, M_F = (uuid.UUID(int=0xA0 + n) for n in range(5))
PARTIES = [{"name": "申请人甲某", "role": "applicant"}, {"name": "被申请人乙某", "role": "respondent"}]
AGREEMENT = {"facts": "双方就排水沟发生争议。", "disputes": "排水沟的走向。",
             "terms": [{"content": "改道排水沟", "manner": "共同施工", "due": "2026年9月30日前"}],
             "signatures": [{"role": "party", "party": 0, "name": "甲某"}, {"role": "party", "party": 1, "name": "乙某"},
                            {"role": "mediator", "name": "调解员"}]}


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+08:00")


def consent_all(app, mediation_id, day):
    for party in (0, 1):
        app.record_consent(mediation_id, party, True, at(day))


def opened(app, mediation_id, day, layer="people", region=REGION + "001", petition_id=None, parties=PARTIES):
    app.open(mediation_id, layer=layer, region_code=region, category="neighbourhood_dispute", summary="排水纠纷",
             parties=parties, opened_at=at(day), petition_id=uuid.UUID(petition_id) if petition_id else None)


@pytest.fixture(scope="module")
def published() -> list[dict]:
    """What mediation publishes for six mediations:
    A (petition P_A): people, fails → pre_litigation, agreed, applied for confirmation, confirmed;
    B: a party refuses at the people's layer; C (petition P_C): fails at litigation, the last layer;
    D: a 110 dispute handed over, still at the people's layer; E: a year earlier, still under way;
    F: another region."""
    app = MediationApplication({"PERSISTENCE_MODULE": "eventsourcing.popo"}, pool=MediatorPool([]),
                               clock=FixedClock(at("2026-10-01")))
    opened(app, M_A, "2026-08-03", petition_id=P_A)
    consent_all(app, M_A, "2026-08-04")
    app.fail(M_A, "分歧过大", at("2026-08-20"))
    consent_all(app, M_A, "2026-08-21")
    app.reach_agreement(M_A, **AGREEMENT, signed_at=at("2026-09-01"))
    app.apply_for_confirmation(M_A, [0, 1], at("2026-09-10"))
    app.decide_confirmation(M_A, True, at("2026-09-20"))

    opened(app, M_B, "2026-08-11", region=REGION)
    app.record_consent(M_B, 0, True, at("2026-08-12"))
    app.record_consent(M_B, 1, False, at("2026-08-12"))

    opened(app, M_C, "2026-08-12", layer="litigation", petition_id=P_C)
    app.fail(M_C, "调解不成", at("2026-08-31"))

    app.receive_inbound("police110", {
        "type": "alert.transferred", "source": "urn:cn:110:110115", "id": "JJ-9",
        "data": {"alert_no": "JJ-9", "received_at": at("2026-08-15"), "region_code": REGION + "002",
                 "category": "邻里纠纷", "summary": "排水沟争执", "parties": [{"name": "当事人丙"}]}})
    opened(app, M_E, "2025-08-15")
    opened(app, M_F, "2026-08-15", region="150623")
    return NotificationFeed("mediation", app, translate).read(0, 1000)[0]


def of(published, kind, mediation_id) -> dict:
    [envelope] = [e for e in published if e["type"] == kind and e["data"]["mediation_id"] == str(mediation_id)]
    return envelope


# -- the facts each event sets ----------------------------------------------------------------------
def test_an_opened_mediation_is_a_row_and_its_first_layer_a_row(published):
    mediation, layer = updates(of(published, "mediation.opened", M_A))
    assert mediation == FactUpdate("mediations", str(M_A), {
        "opened_on": "2026-08-03", "region_code": "110115001", "category": "neighbourhood_dispute",
        "source": "direct", "first_layer": "people", "petition_id": P_A})
    assert layer == FactUpdate("mediation_layers", layer_key(str(M_A), "people"),
                               {"mediation_id": str(M_A), "layer": "people", "entered_on": "2026-08-03"})
    # without a petition, the column is left alone rather than set to null
    mediation, _ = updates(of(published, "mediation.opened", M_B))
    assert "petition_id" not in mediation.values and mediation.values["first_layer"] == "people"


def test_an_escalation_fails_the_layer_left_and_enters_the_next():
    # The event carries no region: the layer rows take their mediation's by a join.
    left, entered = updates(envelope_of("mediation.escalated", {
        "mediation_id": str(M_A), "from_layer": "people", "to_layer": "pre_litigation",
        "escalated_at": "2026-08-19T17:00:00+00:00", "deadline": "2026-09-20"}))
    assert left == FactUpdate("mediation_layers", layer_key(str(M_A), "people"),
                              {"mediation_id": str(M_A), "layer": "people", "outcome": "failed"})
    assert entered == FactUpdate("mediation_layers", layer_key(str(M_A), "pre_litigation"), {
        "mediation_id": str(M_A), "layer": "pre_litigation", "entered_on": "2026-08-20"})  # Beijing date
    assert layer_key(str(M_A), "people") != layer_key(str(M_B), "people") != layer_key(str(M_A), "industry")


def test_an_agreement_sets_the_mediation_its_layer_and_its_petition(published):
    mediation, layer, petition = updates(of(published, "mediation.agreement_reached", M_A))
    assert mediation == FactUpdate("mediations", str(M_A), {
        "outcome": "agreed", "agreed_layer": "pre_litigation", "agreed_on": "2026-09-01", "petition_id": P_A})
    assert layer.key == layer_key(str(M_A), "pre_litigation") and layer.values["outcome"] == "agreed"
    assert petition == FactUpdate("petitions", P_A, {"mediation_outcome": "agreed", "mediation_agreed": True})


def test_an_ended_mediation_records_why_and_where(published):
    mediation, layer = updates(of(published, "mediation.ended", M_B))  # no petition: no petition row
    assert mediation == FactUpdate("mediations", str(M_B), {"outcome": "refused", "ended_on": "2026-08-12"})
    assert layer.key == layer_key(str(M_B), "people") and layer.values["outcome"] == "refused"
    mediation, layer, petition = updates(of(published, "mediation.ended", M_C))
    assert mediation.values == {"outcome": "failed", "ended_on": "2026-08-31", "petition_id": P_C}
    assert layer.key == layer_key(str(M_C), "litigation") and layer.values["outcome"] == "failed"
    assert petition == FactUpdate("petitions", P_C, {"mediation_outcome": "failed"})


def test_judicial_confirmation_sets_its_dates_and_the_decision(published):
    [applied] = updates(of(published, "mediation.confirmation_applied", M_A))
    assert applied == FactUpdate("mediations", str(M_A), {"confirmation_applied_on": "2026-09-10"})
    [decided] = updates(of(published, "mediation.confirmation_decided", M_A))
    assert decided == FactUpdate("mediations", str(M_A), {"confirmed": True, "confirmation_decided_on": "2026-09-20"})


def test_a_mediation_opened_by_an_agency_event_keeps_its_source(published):
    [envelope] = [e for e in published if e["type"] == "mediation.opened" and e["data"]["source"] == "police110"]
    mediation, _ = updates(envelope)
    assert mediation.values["source"] == "police110" and mediation.values["opened_on"] == "2026-08-15"
    assert mediation.values["region_code"] == "110115002"


def test_mediators_sessions_and_hearings_are_not_counted():
    for kind in ("mediation.mediator_assigned", "mediation.session_held", "mediation.hearing_held"):
        assert updates(envelope_of(kind, {"mediation_id": str(M_A), "layer": "people"})) == []
    # intake's agency events of the same names are not mediation's events
    assert updates(envelope_of("mediation.referred", {"mediation_id": str(M_A)})) == []


def envelope_of(kind, data):
    return make_envelope("mediation", 9, 8, kind, at("2026-08-20"), data.get("mediation_id", "x"), data)


# -- the figures ----------------------------------------------------------------------------------
COUNTS = {"opened": 10, "by_source": {"petition": 6, "court": 4}, "agreements": 4, "refused": 1, "failed": 3,
          "applied": 3, "decided": 2, "confirmed": 1,
          "layers": {"people": {"entered": 8, "agreed": 2, "failed": 3, "refused": 1},
                     "pre_litigation": {"entered": 5, "agreed": 2, "failed": 1, "refused": 0},
                     "litigation": {"entered": 1, "agreed": 0, "failed": 0, "refused": 0}}}
NONE = {"opened": 0, "by_source": {}, "agreements": 0, "refused": 0, "failed": 0, "applied": 0, "decided": 0,
        "confirmed": 0, "layers": {}}


def test_success_is_agreements_among_mediations_that_concluded():
    r = statistics.mediation_rates(COUNTS)
    assert (r["opened"], r["agreements"], r["ended"], r["refused"], r["failed"]) == (10, 4, 4, 1, 3)
    assert r["success_rate"] == pytest.approx(4 / 8)  # the two still under way are in neither
    assert r["confirmation"] == {"applied": 3, "decided": 2, "confirmed": 1, "confirmation_rate": 0.5}


def test_each_of_the_five_layers_in_order_with_its_own_success_rate():
    by_layer = statistics.mediation_rates(COUNTS)["by_layer"]
    assert [row["layer"] for row in by_layer] == ["administrative", "industry", "people", "pre_litigation",
                                                  "litigation"]
    people, pre_litigation, litigation = by_layer[2:]
    assert people == {"layer": "people", "entered": 8, "agreed": 2, "failed": 3, "refused": 1,
                      "success_rate": pytest.approx(2 / 6)}
    assert pre_litigation["success_rate"] == pytest.approx(2 / 3)
    assert litigation["success_rate"] is None  # entered, still under way
    assert by_layer[0] == {"layer": "administrative", "entered": 0, "agreed": 0, "failed": 0, "refused": 0,
                           "success_rate": None}


def test_no_mediation_concluded_or_decided_is_no_figure_not_zero():
    r = statistics.mediation_rates({**NONE, "opened": 2})
    assert r["success_rate"] is None and r["confirmation"]["confirmation_rate"] is None
    assert all(row["success_rate"] is None for row in r["by_layer"])
    assert statistics.mediation_rates({**NONE, "refused": 1})["success_rate"] == 0


def test_the_same_figures_a_year_earlier_and_the_change_of_each_count():
    s = statistics.mediation_summary(COUNTS, {**NONE, "opened": 5, "by_source": {"direct": 1, "petition": 4},
                                              "agreements": 4, "failed": 1, "decided": 1, "confirmed": 1,
                                              "layers": {"people": {"entered": 5, "failed": 1}}})
    assert s["previous_year"]["opened"] == 5 and s["previous_year"]["success_rate"] == pytest.approx(4 / 5)
    # every source of either year in both, so the two years line up
    assert s["by_source"] == {"court": 4, "direct": 0, "petition": 6}
    assert s["previous_year"]["by_source"] == {"court": 0, "direct": 1, "petition": 4}
    y = s["yoy"]
    assert (y["opened"], y["agreements"], y["ended"], y["refused"], y["failed"]) == (1.0, 0.0, 3.0, None, 2.0)
    assert y["by_source"] == {"court": None, "direct": -1.0, "petition": 0.5}
    assert y["by_layer"][2] == {"layer": "people", "entered": pytest.approx(0.6), "agreed": None,
                                "failed": 2.0, "refused": None}
    assert y["confirmation"] == {"applied": None, "decided": 1.0, "confirmed": 0.0}
    assert "success_rate" not in y and "confirmation_rate" not in y["confirmation"]


def test_the_query_asks_for_the_period_and_the_same_period_a_year_earlier():
    class ReadModel:
        calls = []

        def mediation_counts(self, start, end, region):
            self.calls.append((start, end, region))
            return COUNTS if len(self.calls) == 1 else NONE

    readmodel = ReadModel()
    result = Statistics(readmodel).mediation(date(2024, 2, 1), date(2024, 2, 29), "1101")
    assert readmodel.calls == [(date(2024, 2, 1), date(2024, 2, 29), "1101"), (date(2023, 2, 1), date(2023, 2, 28), "1101")]
    assert (result["from"], result["to"], result["region"], result["opened"]) == ("2024-02-01", "2024-02-29", "1101", 10)
    dumped = MediationStatsSchema().dump(result)
    assert dumped["from"] == "2024-02-01" and dumped["by_layer"][2]["success_rate"] == pytest.approx(2 / 6)
    assert dumped["yoy"]["opened"] is None and dumped["previous_year"]["confirmation"]["confirmation_rate"] is None
    assert MediationStatsQuerySchema().load({"from": "2024-02-01", "to": "2024-02-29"})["region"] == ""


def test_by_channel_the_mediations_opened_are_the_mediation_volume_and_agency_events_are_not():
    aug = date(2026, 8, 1)
    counts = keyed([{"period": aug, "dimension": "agency", "key": "alert.transferred", "count": 2, "persons": 2},
                    {"period": aug, "dimension": "agency", "key": "mediation.referred", "count": 1, "persons": 1},
                    {"period": aug, "dimension": "mediation", "key": "opened", "count": 5, "persons": 5},
                    {"period": aug, "dimension": "channel", "key": "visit", "count": 3, "persons": 32}], "channel")
    assert counts == {(aug, "police110"): (2, 2), (aug, "mediation"): (5, 5), (aug, "visit"): (3, 32)}


# -- the SQL, against a throwaway database ---------------------------------------------------------
@pytest.fixture(scope="module")
def readmodel():
    # A read model made before the mediation columns existed gains them when the service starts.
    older = "CREATE TABLE reporting.stats_petitions (petition_id uuid PRIMARY KEY, channel text)"
    with throwaway_readmodel(older) as model:
        yield model


def intake_and_dispatch() -> list[tuple[str, str, dict]]:
    """Petitions received in August 2026 (P_C a repeat) and their assignments:
    P_A rated unsatisfied but agreed in mediation; P_C's mediation failed; P_D rated satisfied on two
    assignments; P_E replied, its rating window expired unrated; P_F rated unsatisfied; P_G nothing yet."""
    events = [("intake", "petition.registered", {
        "petition_id": p, "channel": "visit", "region_code": REGION + "001", "category": "neighbourhood_dispute",
        "matter_type": "request", "received_at": f"2026-08-0{n + 2}T09:00:00+08:00",
        "acceptance_deadline": "2026-08-25", "petitioner_ref": f"ref{n}", "repeat_of": P_A if p == P_C else None})
        for n, p in enumerate((P_A, P_C, P_D, P_E, P_F, P_G))]
    events.append(("intake", "agency_event.received", {
        "agency_event_id": str(uuid.UUID(int=0xE1)), "agency": "police110", "type": "alert.transferred",
        "region_code": REGION + "002", "occurred_at": "2026-08-15T10:00:00+08:00"}))
    for n, (petition_id, rating) in enumerate(((P_A, "unsatisfied"), (P_D, "satisfied"), (P_D, "basically_satisfied"),
                                               (P_E, None), (P_F, "unsatisfied"))):
        assignment_id = str(uuid.UUID(int=0xF0 + n))
        events += [("dispatch", "assignment.created", {"assignment_id": assignment_id, "petition_id": petition_id,
                                                       "unit_id": "u1", "handling_deadline": "2026-09-30"}),
                   ("dispatch", "assignment.replied", {
                       "assignment_id": assignment_id, "replied_at": "2026-08-20T10:00:00+08:00", "on_time": True,
                       "outcome": "explain", "evaluation_deadline": "2026-09-01"})]
        if rating:
            events.append(("dispatch", "assignment.evaluated", {
                "assignment_id": assignment_id, "rating": rating, "rated_at": "2026-08-25T10:00:00+08:00"}))
    return events


def test_the_sql_counts_mediations_layers_and_resolution_once_per_petition(readmodel, published):
    # Mediation's events first: its outcomes reach petitions that intake has not yet told of.
    for envelope in published:
        readmodel.process("mediation", envelope)
    positions = {"intake": 0, "dispatch": 0}
    for source, kind, data in intake_and_dispatch():
        positions[source] += 1
        assert readmodel.process(source, make_envelope(source, positions[source], positions[source] - 1, kind,
                                                       at("2026-08-20"), "x", data))

    counts = readmodel.counts(date(2026, 8, 1), date(2026, 8, 31), REGION, date(2026, 10, 1))
    assert (counts["resolved"], counts["concluded"]) == (2, 5)  # P_A, P_D of P_A, P_C, P_D, P_E, P_F
    assert (counts["first_resolved"], counts["first_concluded"]) == (2, 4)  # P_C is a repeat
    assert (counts["rated"], counts["satisfied"], counts["expired_unrated"]) == (4, 2, 1)  # per assignment
    assert counts["mediations"] == 4 and counts["agency"] == {"alert.transferred": 1}  # F elsewhere, E earlier
    s = statistics.summary(counts, readmodel.counts(date(2025, 8, 1), date(2025, 8, 31), REGION, date(2026, 10, 1)))
    assert s["resolution_rate"] == pytest.approx(2 / 5) and s["first_petition_resolution_rate"] == pytest.approx(2 / 4)
    assert s["participation_rate"] == pytest.approx(4 / 5) and s["satisfaction_rate"] == pytest.approx(2 / 4)
    assert s["five_volumes"]["mediation"] == 4 and s["five_volumes"]["police110"] == 1
    assert s["previous_year"]["five_volumes"]["mediation"] == 1  # E

    m = Statistics(readmodel).mediation(date(2026, 8, 1), date(2026, 8, 31), REGION)
    assert m["opened"] == 4 and m["by_source"] == {"direct": 3, "police110": 1}  # A, B, C, the 110 dispute
    assert (m["agreements"], m["refused"], m["failed"], m["ended"]) == (1, 1, 1, 2)
    assert m["success_rate"] == pytest.approx(1 / 3)
    layers = {row["layer"]: row for row in m["by_layer"]}
    assert layers["people"] == {"layer": "people", "entered": 3, "agreed": 0, "failed": 1, "refused": 1,
                                "success_rate": 0.0}
    assert layers["pre_litigation"] == {"layer": "pre_litigation", "entered": 1, "agreed": 1, "failed": 0,
                                        "refused": 0, "success_rate": 1.0}
    assert layers["litigation"] == {"layer": "litigation", "entered": 1, "agreed": 0, "failed": 1, "refused": 0,
                                    "success_rate": 0.0}
    assert layers["administrative"]["entered"] == 0 and layers["administrative"]["success_rate"] is None
    assert m["confirmation"] == {"applied": 1, "decided": 1, "confirmed": 1, "confirmation_rate": 1.0}
    assert m["previous_year"]["opened"] == 1 and m["yoy"]["opened"] == 3.0
    assert m["previous_year"]["by_source"] == {"direct": 1, "police110": 0} and m["yoy"]["by_source"]["police110"] is None

    volume = keyed(readmodel.volume(date(2026, 8, 1), date(2026, 8, 31), REGION, "month", "channel"), "channel")
    assert volume[(date(2026, 8, 1), "mediation")] == (4, 4) and volume[(date(2026, 8, 1), "police110")] == (1, 1)
    earlier = keyed(readmodel.volume(date(2025, 8, 1), date(2025, 8, 31), REGION, "month", "channel", 1), "channel")
    assert earlier == {(date(2026, 8, 1), "mediation"): (1, 1)}
