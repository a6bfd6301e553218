"""Repeat-petition statistics (重复信访): the query's shape and its HTTP contract."""
from datetime import date

import pytest
from marshmallow import ValidationError

from reporting.queries import Statistics
from shared.contracts.http import RepeatsQuerySchema, RepeatsSchema

TOTALS = {"petitions": 4, "repeats": 2, "persons": 2, "repeat_persons": 1}
PETITIONER = {"petitioner_ref": "a" * 32, "petitions": 3, "repeats": 2}
MATTER = {**PETITIONER, "category": "land", "county": "150699"}


class ReadModel:
    def __init__(self):
        self.calls = []

    def repeats(self, start, end, region, limit):
        self.calls.append((start, end, region, limit))
        if limit == 0:
            return {"totals": dict.fromkeys(TOTALS, 0), "petitioners": [], "matters": []}
        return {"totals": TOTALS, "petitioners": [PETITIONER], "matters": [MATTER]}


def test_repeats_compare_only_the_totals_with_the_same_period_a_year_earlier():
    readmodel = ReadModel()
    result = Statistics(readmodel).repeats(date(2024, 2, 1), date(2024, 2, 29), "1506", 5)
    assert readmodel.calls == [(date(2024, 2, 1), date(2024, 2, 29), "1506", 5),
                               (date(2023, 2, 1), date(2023, 2, 28), "1506", 0)]
    assert result == {"from": "2024-02-01", "to": "2024-02-29", "region": "1506", "totals": TOTALS,
                      "previous_year": dict.fromkeys(TOTALS, 0),
                      "petitioners": [PETITIONER], "matters": [MATTER]}


def test_the_response_carries_only_the_declared_fields():
    dumped = RepeatsSchema().dump({
        "from": "2024-02-01", "to": "2024-02-29", "region": "", "totals": TOTALS, "previous_year": TOTALS,
        "petitioners": [{**PETITIONER, "name": "张三"}], "matters": [{**MATTER, "id_number": "x"}]})
    assert dumped["from"] == "2024-02-01" and dumped["to"] == "2024-02-29"
    assert dumped["petitioners"] == [PETITIONER] and dumped["matters"] == [MATTER]


def test_the_query_has_a_bounded_limit_and_an_ordered_period():
    schema = RepeatsQuerySchema()
    assert schema.load({"from": "2024-02-01", "to": "2024-02-29"})["limit"] == 20
    assert schema.load({"from": "2024-02-01", "to": "2024-02-29", "limit": "200"})["limit"] == 200
    for limit in ("0", "201", "x"):
        with pytest.raises(ValidationError) as error:
            schema.load({"from": "2024-02-01", "to": "2024-02-29", "limit": limit})
        assert set(error.value.messages) == {"limit"}
    with pytest.raises(ValidationError) as error:
        schema.load({"from": "2024-03-01", "to": "2024-02-29"})
    assert set(error.value.messages) == {"from"}
