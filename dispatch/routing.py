"""Routing (属地管理、分级负责，谁主管、谁负责): region code × category → the handling unit.

The longest region prefix with a rule for the category wins. Without one, the matter goes to the
petition bureau of the longest matching region, and failing that to the home bureau. Accusations
(检举控告类) go to discipline inspection, and no matter ever goes to the unit it accuses (A30).
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.units import Unit, UnitDirectory, area_prefix

__all__ = ["Rule", "RoutingTable", "Unit", "area_prefix"]


@dataclass(frozen=True)
class Rule:
    region_prefix: str
    category: str
    unit: str


class RoutingTable:
    def __init__(self, units: list[Unit], rules: list[Rule], home_bureau: str | None = None):
        self.directory = UnitDirectory(units, home_bureau)
        self.units = self.directory.units
        self.home_bureau = self.directory.home_bureau
        # A rule for a city (530300) covers its districts (5303xx), as a city's units do.
        self.rules = {(area_prefix(r.region_prefix), r.category): r.unit for r in rules}

    @classmethod
    def from_reference(cls, ref, home_bureau: str | None = None) -> RoutingTable:
        return cls([Unit(**u) for u in ref.units], [Rule(**r) for r in ref.rules], home_bureau)

    def route(self, region_code: str, category: str, matter_type: str = "complaint",
              accused_unit: str | None = None) -> str:
        for unit in self._candidates(region_code, category, matter_type):
            if unit and unit != accused_unit:
                return unit
        # Only reachable when the accused is the home bureau itself: the discipline body above it.
        return self.directory.superior(accused_unit) or self.home_bureau

    def _candidates(self, region_code: str, category: str, matter_type: str):
        d = self.directory
        if matter_type == "accusation":
            yield d.by_region("discipline_inspection", region_code)
        else:
            for length in range(len(region_code), 1, -1):
                yield self.rules.get((region_code[:length], category))
        yield d.bureau(region_code)
        yield d.home_bureau
