"""The places the dashboard offers as its region filter, from the units' people's governments."""
from shared.reference import load_reference
from shared.units import regions


def test_each_government_gives_a_region_named_after_it_with_the_prefix_covering_its_area():
    found = {r["code"]: r for r in regions(load_reference().units)}
    assert found["530300"] == {"code": "530300", "prefix": "5303", "name": "曲靖市", "level": "city"}
    assert found["150623"] == {"code": "150623", "prefix": "150623", "name": "鄂托克前旗", "level": "county"}
    assert found["371321001"]["name"] == "沂南县界湖街道"  # a sub-district office (街道办事处)
    assert "150623106" not in found  # no government of it among the units
    prefixes = [r["prefix"] for r in found.values()]
    assert prefixes == sorted(prefixes) and prefixes.index("1506") < prefixes.index("150623")  # larger first


def test_units_other_than_governments_give_no_region():
    units = [{"id": "x", "name": "某县信访局", "level": "county", "region_code": "150623", "role": "petition_bureau"}]
    assert regions(units) == []
