"""The console's work queues (待办) and the repeat check before a registration is saved; the rows
come from reporting (reporting.worklists), the names from the reference data."""
import functools

from intake.notices import CHANNEL_NAMES
from services.gateway_http import _body, _json, endpoint, principal, reference_data, schema
from shared.contracts import console as cc
from shared.endpoints import traced_http as http
from supervision.ladder import LETTER_NAMES


@functools.cache
def _names() -> tuple[dict, dict]:
    ref = reference_data()
    return {u["id"]: u["name"] for u in ref.units}, {c["code"]: c["name"] for c in ref.categories}


class Worklists:
    """Mixed into the gateway (it brings `intake` and `reporting`)."""

    @http("GET", "/api/worklists/acceptance")
    @endpoint
    def acceptance_worklist(self, request):
        _, categories = _names()
        items = [{**row, "channel_name": CHANNEL_NAMES.get(row["channel"], row["channel"]),
                  "category_name": categories.get(row["category"], row["category"])}
                 for row in self.reporting.acceptance_worklist()]
        return _json(200, schema(cc.AcceptanceWorklistSchema).dump({"items": items}))

    @http("GET", "/api/worklists/assignments")
    @endpoint
    def assignment_worklist(self, request):
        query = schema(cc.WorklistQuerySchema).load(request.args.to_dict())
        # A unit handler's queue is their own unit's, whatever they ask for.
        unit = principal(request).acting_unit or query.get("unit")
        units, categories = _names()
        items = [{**row, "unit_name": units.get(row["unit_id"], row["unit_id"]),
                  "status_name": cc.STAGE_NAMES.get(row["stage"], row["stage"]),
                  "category_name": categories.get(row["category"], row["category"])}
                 for row in self.reporting.assignment_worklist(unit)]
        return _json(200, schema(cc.AssignmentWorklistSchema).dump({"items": items}))

    @http("GET", "/api/worklists/letters")
    @endpoint
    def letter_worklist(self, request):
        query = schema(cc.WorklistQuerySchema).load(request.args.to_dict())
        unit = principal(request).acting_unit or query.get("unit")  # a unit answers its own letters
        units, _ = _names()
        items = [{**row, "unit_name": units.get(row["unit_id"], row["unit_id"]),
                  "letter_name": LETTER_NAMES.get(row["letter"], row["letter"])}
                 for row in self.reporting.letter_worklist(unit)]
        return _json(200, schema(cc.LetterWorklistSchema).dump({"items": items}))

    @http("GET", "/api/worklists/pre-review")
    @endpoint
    def pre_review_worklist(self, request):
        units, _ = _names()
        items = [{**row, "unit_name": units.get(row["unit_id"], row["unit_id"])}
                 for row in self.reporting.pre_review_worklist()]
        return _json(200, schema(cc.PreReviewWorklistSchema).dump({"items": items}))

    @http("POST", "/api/petitions/possible-repeats")
    @endpoint
    def possible_repeats(self, request):
        """The person's earlier petitions, before the clerk saves a new one: those on the same matter
        are repeats (重复信访), which the registration will link."""
        query = _body(request, cc.PossibleRepeatsQuerySchema)
        person = self.intake.matter_of_person(query["petitioner"], query["category"], query["region_code"])
        same = set(person["same_matter"])
        _, categories = _names()
        earlier = [{"id": row["petition_id"], "received_at": row["received_on"], "channel": row["channel"],
                    "region_code": row["region_code"], "category": row["category"],
                    "category_name": categories.get(row["category"], row["category"]),
                    "status": row["decision"] or "registered", "same_matter": row["petition_id"] in same}
                   for row in self.reporting.petitions_of_person(person["petitioner_ref"])]
        return _json(200, schema(cc.PossibleRepeatsSchema).dump({"petitions": earlier}))
