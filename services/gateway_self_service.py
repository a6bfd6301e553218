"""The petitioners' self-service (信访人自助查询, A21) and the console's pages, served by the gateway.

No token: whoever holds a query code may read that one petition's dates, steps, notices and reply,
rate the reply and ask for a review; and anyone may lodge a petition online. Each try is counted per
client address (shared.rate_limit), a code that opens nothing more strictly, and every read and action
is recorded as the petitioner's (shared.access.PETITIONER). The services decide; this only composes.
"""
import uuid
from pathlib import Path

from services import web_assets
from services.gateway_http import (IDEMPOTENCY_NAMESPACE, SETTINGS, RateLimited, _body, _json, _wire, client_address,
                                   public_endpoint, reference_data, schema)
from shared import errors
from shared.contracts import console as cc
from shared.endpoints import traced_http as http
from shared.rate_limit import SlidingWindow
from shared.units import regions

CONSOLE = Path(__file__).resolve().parent.parent / "web" / "console" / "public"
REQUESTS = SlidingWindow(SETTINGS.self_service_per_minute, 60)
SUBMISSIONS = SlidingWindow(SETTINGS.submissions_per_hour, 3600)
WRONG_CODES = SlidingWindow(SETTINGS.wrong_codes_per_quarter, 900)
CLOSED = {"open": False, "deadline": None}


class SelfService:
    """Mixed into the gateway (it brings `intake`, `dispatch` and `door`)."""

    @http("GET", "/self")
    def self_page(self, request):
        return web_assets.serve(CONSOLE, "self.html")

    @http("GET", "/console")
    def console_page(self, request):
        return web_assets.serve(CONSOLE, "index.html")

    @http("GET", "/console/<path:path>")
    def console_file(self, request, path):
        return web_assets.serve(CONSOLE, path)

    @http("GET", "/api/public/reference")
    @public_endpoint(REQUESTS)
    def public_reference(self, request):
        ref = reference_data()
        return _json(200, schema(cc.PublicReferenceSchema).dump({
            "categories": [{"code": c["code"], "name": c["name"]} for c in ref.categories],
            "regions": [{"code": r["code"], "name": r["name"]} for r in regions(ref.units)],
            "matter_types": [{"code": k, "name": v} for k, v in cc.MATTER_TYPE_NAMES.items()],
            # the bodies an accusation may name (A30: it never reaches the one it names)
            "units": [{"code": u["id"], "name": u["name"]} for u in ref.units]}))

    @http("POST", "/api/public/petitions")
    @public_endpoint(REQUESTS, SUBMISSIONS)
    def submit_online(self, request):
        petition = {**_wire(_body(request, cc.OnlinePetitionSchema)), "channel": "online"}
        key = request.headers.get("Idempotency-Key")
        petition_id = uuid.uuid5(IDEMPOTENCY_NAMESPACE, "online:" + key[:200]) if key else uuid.uuid4()
        registered = self.intake.register(str(petition_id), petition, actor="petitioner")
        return _json(201, schema(cc.SubmissionReceiptSchema).dump(registered))

    @http("GET", "/api/public/petitions/<string:code>")
    @public_endpoint(REQUESTS)
    def self_service(self, request, code):
        return _json(200, schema(cc.SelfServiceSchema).dump(self._by_code(request, code)))

    @http("POST", "/api/public/petitions/<string:code>/evaluation")
    @public_endpoint(REQUESTS)
    def rate_by_code(self, request, code):
        rating = _body(request, cc.PublicEvaluationSchema)["rating"]
        self.dispatch.evaluate(self._assignment_of(request, code), rating, actor="petitioner")
        return _json(200, schema(cc.SelfServiceSchema).dump(self._by_code(request, code)))

    @http("POST", "/api/public/petitions/<string:code>/review-request")
    @public_endpoint(REQUESTS)
    def request_review_by_code(self, request, code):
        reasons = _body(request, cc.PublicReviewRequestSchema)["reasons"]
        self.dispatch.request_review(self._assignment_of(request, code), reasons, actor="petitioner")
        return _json(200, schema(cc.SelfServiceSchema).dump(self._by_code(request, code)))

    # -- composing the view ---------------------------------------------------------------------
    def _opened(self, request, code: str) -> dict:
        """What the code opens; a code that opens nothing counts against the address (guessing)."""
        client = client_address(request)
        wait = WRONG_CODES.wait(client)
        if wait:
            raise RateLimited(wait)
        try:
            return self.intake.self_service(code[:64])
        except errors.NotFound:
            WRONG_CODES.hit(client)
            raise errors.NotFound("no petition for this query code") from None

    def _assignment_of(self, request, code: str) -> str:
        found = self._opened(request, code)
        if not found["assignment_id"]:
            raise errors.Conflict("the matter has not been handed to a unit yet: nothing to rate or review")
        return found["assignment_id"]

    def _by_code(self, request, code: str) -> dict:
        found = self._opened(request, code)
        view = found["view"]
        handling = (self.dispatch.petitioner_view(found["assignment_id"], found["addressee"])
                    if found["assignment_id"] else None)
        if handling is None:
            return {**view, "reply": None, "handling_deadline": None, "evaluation": CLOSED,
                    "review": {**CLOSED, "requested": False}}
        notices = sorted(view["notices"] + handling["notices"], key=lambda n: n["issued_on"])
        return {**view, "notices": notices, "reply": handling["reply"],
                "handling_deadline": handling["handling_deadline"], "evaluation": handling["evaluation"],
                "review": handling["review"]}

