"""The units a bureau works with (责任单位), found by role and region: who issues a notice for an
area, which body stands one level up (for review, 复查/复核), what a unit is called."""
from __future__ import annotations

from dataclasses import dataclass

# The body one level up of a unit at each level (A35): a township's or a county department's
# superior is the county government; a county government's is the city government.
GOVERNMENT = {"village": "township_government", "township": "county_government",
              "county": "county_government", "city": "city_government"}
LEVEL_ABOVE = {"village": "township", "township": "county", "county": "city", "city": None}


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str
    region_code: str
    role: str


def area_prefix(region_code: str) -> str:
    """The prefix that a division's whole area shares: a city 530300 covers 5303xx districts."""
    if len(region_code) == 6:
        while region_code.endswith("00") and len(region_code) > 2:
            region_code = region_code[:-2]
    return region_code


GOVERNMENT_ROLES = ("city_government", "county_government", "township_government")
GOVERNMENT_SUFFIXES = ("人民政府", "办事处")  # 鄂托克前旗人民政府 → 鄂托克前旗; 界湖街道办事处 → 界湖街道


def regions(units: list[dict]) -> list[dict]:
    """The places statistics can be filtered by (the dashboard's choices): one per people's
    government among the units, named after it, with the prefix that covers its area; larger first."""
    found = {}
    for unit in units:
        if unit["role"] in GOVERNMENT_ROLES:
            name = next((unit["name"].removesuffix(s) for s in GOVERNMENT_SUFFIXES if unit["name"].endswith(s)),
                        unit["name"])
            found[unit["region_code"]] = {"code": unit["region_code"], "prefix": area_prefix(unit["region_code"]),
                                          "name": name, "level": unit["level"]}
    return sorted(found.values(), key=lambda r: r["prefix"])


class UnitDirectory:
    def __init__(self, units: list[Unit], home_bureau: str | None = None):
        self.units = {u.id: u for u in units}
        bureaus = [u for u in units if u.role == "petition_bureau"]
        if not bureaus:
            raise ValueError("the reference data lists no petition bureau")
        # The home bureau (for codes no listed area contains) is the one of the widest area listed.
        self.home_bureau = home_bureau or min(bureaus, key=lambda u: (len(area_prefix(u.region_code)), u.id)).id
        if self.home_bureau not in self.units:
            raise ValueError(f"the home bureau {self.home_bureau!r} is not among the units")
        self.by_role: dict[str, dict[str, str]] = {}
        for unit in units:
            self.by_role.setdefault(unit.role, {})[area_prefix(unit.region_code)] = unit.id

    def __contains__(self, unit_id: str) -> bool:
        return unit_id in self.units

    def name(self, unit_id: str | None) -> str:
        unit = self.units.get(unit_id or "")
        return unit.name if unit else (unit_id or "")

    def by_region(self, role: str, region_code: str) -> str | None:
        units = self.by_role.get(role, {})
        for length in range(len(region_code), 1, -1):
            if region_code[:length] in units:
                return units[region_code[:length]]
        return None

    def bureau(self, region_code: str) -> str:
        """The petition bureau of the narrowest listed area containing the code, else the home one."""
        return self.by_region("petition_bureau", region_code) or self.home_bureau

    def superior(self, unit_id: str) -> str | None:
        """The body one level up, or None when the reference data lists none."""
        unit = self.units.get(unit_id)
        if unit is None:
            return None
        own_government = GOVERNMENT[unit.level]
        if unit.role != own_government:
            found = self.by_region(own_government, unit.region_code)
            if found and found != unit_id:
                return found
        above = LEVEL_ABOVE[unit.level]
        if above is None:
            return None
        # The government of the area one level up: a county's city is its first four digits.
        prefix = {"township": unit.region_code[:6], "county": unit.region_code[:4]}.get(
            unit.level, unit.region_code[:9])
        return self.by_region(GOVERNMENT[above], prefix)
