"""The reference data a bureau ships: categories, units and the routing table (JSON files)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from shared.contracts.reference import CategorySchema, MediatorSchema, PolicySchema, RuleSchema, UnitSchema

DEFAULT_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Reference:
    categories: list[dict]
    units: list[dict]
    rules: list[dict]
    agency_categories: dict[str, str]  # another agency's category label → ours
    policy: dict  # local handling practice (dispatch.policy.HandlingPolicy)
    mediators: list[dict]  # the expert pool mediators are drawn from

    @property
    def category_codes(self) -> set[str]:
        return {c["code"] for c in self.categories}


def load_reference(directory: str | Path | None = None) -> Reference:
    directory = Path(directory or DEFAULT_DIR)

    def read(name: str, schema) -> list[dict]:
        return schema(many=True).load(json.loads((directory / name).read_text(encoding="utf-8")))

    mapping_file = directory / "agency_categories.json"
    mapping = json.loads(mapping_file.read_text(encoding="utf-8")) if mapping_file.exists() else {}
    policy_file = directory / "policy.json"
    policy = PolicySchema().load(json.loads(policy_file.read_text(encoding="utf-8")) if policy_file.exists() else {})
    mediators = read("mediators.json", MediatorSchema) if (directory / "mediators.json").exists() else []
    ref = Reference(read("categories.json", CategorySchema), read("units.json", UnitSchema),
                    read("routing.json", RuleSchema), mapping, policy, mediators)
    unit_ids = {u["id"] for u in ref.units}
    for rule in ref.rules:
        if rule["unit"] not in unit_ids or rule["category"] not in ref.category_codes:
            raise ValueError(f"routing rule names an unknown unit or category: {rule}")
    if not {s for m in mediators for s in m["specialities"]} <= ref.category_codes:
        raise ValueError("mediators.json names specialities that categories.json lacks")
    if not set(policy["simple_procedure_categories"]) <= ref.category_codes:
        raise ValueError("policy.json names simple-procedure categories that categories.json lacks")
    if not set(ref.agency_categories.values()) <= ref.category_codes:
        raise ValueError("agency_categories.json maps to categories that categories.json lacks")
    return ref
