"""The expert pool (专家库): retired judges, lawyers, industry experts and people's mediators, with
their specialities, regions and the layers they mediate at."""
from __future__ import annotations

from shared.errors import InvalidCommand
from shared.units import area_prefix


class MediatorPool:
    def __init__(self, mediators: list[dict]):
        self.mediators = {m["id"]: m for m in mediators}

    def get(self, mediator_id: str) -> dict:
        try:
            return self.mediators[mediator_id]
        except KeyError:
            raise InvalidCommand("not in the expert pool", {"mediator": [f"no mediator {mediator_id}"]}) from None

    def suggest(self, layer: str, category: str, region_code: str, limit: int = 5) -> list[dict]:
        """Those who mediate at the layer, the nearest region first, specialists before others."""
        def nearness(m: dict) -> int:
            code = area_prefix(m["region_code"])  # a city's mediators serve its districts
            return len(code) if region_code.startswith(code) else -1

        fitting = [m for m in self.mediators.values() if layer in m["layers"] and nearness(m) >= 0]
        fitting.sort(key=lambda m: (-nearness(m), category not in m["specialities"], m["id"]))
        return fitting[:limit]
