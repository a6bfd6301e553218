"""Routing (属地管理、分级负责，谁主管、谁负责): region code × category → the handling unit.

The longest region prefix with a rule for the category wins. Without one, the matter goes to the
petition bureau of the longest matching region, and failing that to the home bureau. Accusations
(检举控告类) go to discipline inspection and never to a unit that could be the accused.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str
    region_code: str
    role: str


@dataclass(frozen=True)
class Rule:
    region_prefix: str
    category: str
    unit: str


class RoutingTable:
    def __init__(self, units: list[Unit], rules: list[Rule], home_bureau: str | None = None):
        self.units = {u.id: u for u in units}
        # A rule for a city (530300) covers its districts (5303xx), as a city's units do.
        self.rules = {(area_prefix(r.region_prefix), r.category): r.unit for r in rules}
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

    def route(self, region_code: str, category: str, matter_type: str = "complaint") -> str:
        if matter_type == "accusation":
            return self._by_region("discipline_inspection", region_code) or self._bureau(region_code)
        for length in range(len(region_code), 1, -1):
            unit = self.rules.get((region_code[:length], category))
            if unit:
                return unit
        return self._bureau(region_code)

    def _bureau(self, region_code: str) -> str:
        return self._by_region("petition_bureau", region_code) or self.home_bureau

    def _by_region(self, role: str, region_code: str) -> str | None:
        units = self.by_role.get(role, {})
        for length in range(len(region_code), 1, -1):
            if region_code[:length] in units:
                return units[region_code[:length]]
        return None


def area_prefix(region_code: str) -> str:
    """The prefix that a division's whole area shares: a city 530300 covers 5303xx districts."""
    if len(region_code) == 6:
        while region_code.endswith("00") and len(region_code) > 2:
            region_code = region_code[:-2]
    return region_code
