"""Routing with the shipped reference data: region code × category → the handling unit."""
import pytest

from dispatch.routing import RoutingTable
from shared.reference import load_reference


@pytest.fixture(scope="module")
def table():
    ref = load_reference()
    # The system runs for Etuokeqianqi's bureau; the other places' data only shows the routing.
    return RoutingTable.from_reference(ref,
                        home_bureau="etkqq-xinfangju")


def test_a_township_rule_beats_the_county_rule(table):
    assert table.route("150623101001", "land_grassland_rights") == "etkqq-shanghaimiao"
    assert table.route("150623201001", "land_grassland_rights") == "etkqq-ziranziyuan"


def test_a_category_without_a_rule_goes_to_that_countys_petition_bureau(table):
    assert table.route("371321104", "medical_health") == "yinan-xinfangju"
    assert table.route("360781107", "no_such_category") == "ruijin-xinfangju"


def test_an_unknown_region_goes_to_the_home_bureau(table):
    home = table.route("999999", "land_grassland_rights")
    assert home == table.home_bureau
    assert table.units[home].role == "petition_bureau"


def test_a_qilin_district_matter_without_a_rule_goes_to_the_qujing_city_bureau(table):
    assert table.route("530302001", "education") == "qujing-xinfangju"
    assert table.route("530302102", "land_grassland_rights") == "qilin-yuezhou"


def test_an_accusation_goes_to_discipline_inspection_not_the_unit_a_rule_names(table):
    assert table.route("150623101", "land_grassland_rights", "accusation") == "etkqq-jiwei"
    assert table.route("530302001", "environment", "accusation") == "qujing-jiwei"
    assert table.route("110115103", "neighbourhood_dispute", "accusation") == "daxing-jiwei"


def test_a_city_rule_covers_its_districts(table):
    # 530381 is a county-level city of Qujing with no rules of its own: Qujing's city rule applies.
    assert table.route("530381", "land_grassland_rights") == table.route("530300", "land_grassland_rights")


def test_without_a_configured_home_the_widest_listed_area_is_home():
    ref = load_reference()
    default = RoutingTable.from_reference(ref)
    assert default.home_bureau == "qujing-xinfangju"  # the only city among the five places
