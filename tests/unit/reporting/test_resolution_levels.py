"""The level of resolution (化解层级, DOMAIN.md §8): where the resolved petitions were handled —
小事不出村、大事不出镇、矛盾不上交."""
from datetime import date, datetime

import pytest

from reporting.statistics import resolution_levels
from shared.clock import BEIJING
from shared.envelope import make_envelope
from support import throwaway_readmodel

LEVELS = {"v-1": "village", "t-1": "township", "t-2": "township", "c-1": "county", "x-1": "city"}


def test_resolved_petitions_are_shared_out_by_the_level_of_the_unit_that_handled_them():
    levels = resolution_levels({"t-1": 3, "t-2": 1, "c-1": 2, "v-1": 1, "x-1": 1, "": 2}, LEVELS)
    assert (levels["village"], levels["township"], levels["county"], levels["city"], levels["unknown"]) == (1, 4, 2, 1, 2)
    assert levels["shares"]["township"] == 0.4 and levels["shares"]["unknown"] == 0.2


def test_an_unlisted_unit_is_unknown_and_nothing_resolved_is_no_figure():
    assert resolution_levels({"gone": 2}, LEVELS)["unknown"] == 2
    empty = resolution_levels({}, LEVELS)
    assert set(empty["shares"].values()) == {None} and empty["county"] == 0


@pytest.fixture(scope="module")
def readmodel():
    with throwaway_readmodel("CREATE TABLE reporting.stats_petitions (petition_id uuid PRIMARY KEY, channel text)") \
            as model:
        yield model


def test_the_read_model_counts_each_resolved_petition_under_its_handling_unit(readmodel):
    position = 0

    def send(source, type_, data):
        nonlocal position
        position += 1
        readmodel.process(source, make_envelope(source, position, position - 1, type_,
                                                datetime(2026, 5, 2, tzinfo=BEIJING), "x", data))

    def petition(n, unit, rating=None, mediated=False):
        pid, aid = f"00000000-0000-0000-0000-0000000000{n:02d}", f"00000000-0000-0000-0001-0000000000{n:02d}"
        send("intake", "petition.registered", {
            "petition_id": pid, "channel": "visit", "region_code": "150623101", "category": "other",
            "matter_type": "complaint", "received_at": "2026-05-02T10:00:00+08:00",
            "acceptance_deadline": "2026-05-18", "petitioner_ref": f"p{n}", "repeat_of": None})
        if unit:
            send("dispatch", "assignment.created", {"assignment_id": aid, "petition_id": pid, "unit_id": unit,
                                                    "handling_deadline": "2026-07-01"})
        if rating:
            send("dispatch", "assignment.replied", {"assignment_id": aid, "petition_id": pid, "outcome": "support",
                                                    "replied_at": "2026-05-20T10:00:00+08:00", "on_time": True,
                                                    "evaluation_deadline": "2026-06-19"})
            send("dispatch", "assignment.evaluated", {"assignment_id": aid, "petition_id": pid, "rating": rating,
                                                      "rated_at": "2026-05-25T10:00:00+08:00"})
        if mediated:
            send("mediation", "mediation.agreement_reached", {
                "mediation_id": f"00000000-0000-0000-0002-0000000000{n:02d}", "petition_id": pid, "layer": "people",
                "signed_at": "2026-05-10T10:00:00+08:00", "effective_on": "2026-05-10", "confirm_by": "2026-06-09"})

    petition(1, "t-1", "satisfied")
    petition(2, "t-1", "basically_satisfied")
    petition(3, "c-1", "unsatisfied")          # not resolved: not counted at any level
    petition(4, "v-1", "satisfied")
    petition(5, None, mediated=True)            # resolved by mediation alone: no handling unit
    counts = readmodel.counts(date(2026, 5, 1), date(2026, 5, 31), "1506", date(2026, 11, 23))
    assert counts["resolved_by_unit"] == {"t-1": 2, "v-1": 1, "": 1}
    assert counts["resolved"] == 4 and counts["concluded"] == 5
    levels = resolution_levels(counts["resolved_by_unit"], LEVELS)
    assert (levels["township"], levels["village"], levels["county"], levels["unknown"]) == (2, 1, 0, 1)
