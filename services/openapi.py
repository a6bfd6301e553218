"""The OpenAPI 3 document of the gateway, generated from the marshmallow contract schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.contracts import console as cc, http as c

ERRORS = {"400": "validation errors by field", "401": "no valid access token", "403": "the role or unit may not do this",
          "404": "unknown id", "409": "the state forbids it",
          # The gateway's answer when a service, the database or the broker does not answer in time:
          # every operation can meet it, and a client retries after Retry-After (commands are idempotent).
          "503": "a service, the database or the message broker did not answer in time; retry after "
                 "Retry-After seconds"}

# (method, path, summary, body schema, query schema, 2xx status, response schema)
OPERATIONS = [
    ("get", "/api/me", "Who the access token stands for: person, role and, for a unit role, the unit", None, None,
     "200", c.PrincipalSchema),
    ("post", "/api/petitions", "Register a petition (登记)", c.PetitionCreateSchema, None, "201", c.PetitionSchema),
    ("get", "/api/petitions/{id}", "A petition with its history", None, None, "200", c.PetitionSchema),
    ("post", "/api/petitions/{id}/acceptance", "Decide acceptance (受理)", c.AcceptanceSchema, None, "200", c.PetitionSchema),
    ("get", "/api/petitions/{id}/notices", "The petition's notices (告知单), ready to print", None, None, "200",
     c.NoticesSchema),
    ("get", "/api/assignments/{id}", "An assignment with its history", None, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/objection", "The unit objects to a wrong dispatch within 5 working days (异议, A23)",
     c.ObjectionSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/objection/decision", "The bureau upholds (re-routes) or rejects the objection",
     c.ObjectionDecisionSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/co-units", "Add co-handling units (协办单位)", c.CoUnitsSchema, None, "200",
     c.AssignmentSchema),
    ("post", "/api/assignments/{id}/co-opinions", "A co-handling unit's opinion", c.CoOpinionSchema, None, "200",
     c.AssignmentSchema),
    ("post", "/api/assignments/{id}/pre-review", "The bureau's pre-review of the reply (答复预审)", c.PreReviewSchema,
     None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/review-requests", "The petitioner asks for review or re-review (复查/复核)",
     c.ReviewRequestSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/hearings", "A hearing (听证); its days are left out of the review's limit",
     c.HearingSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/review-decisions", "The reviewing body's answer", c.ReviewDecisionSchema, None,
     "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/mediation", "The handling unit asks for mediation at a layer (调解)",
     c.MediationRequestSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/mediations", "Open a mediation directly (调解)", c.MediationCreateSchema, None, "201", c.MediationSchema),
    ("get", "/api/mediations/{id}", "A mediation with its layers and history", None, None, "200", c.MediationSchema),
    ("get", "/api/mediations/{id}/notices", "The agreement and the notice of legal routes, ready to print", None,
     None, "200", c.MediationNoticesSchema),
    ("get", "/api/mediations/{id}/mediators", "Mediators of the expert pool fit for its layer, region and category",
     None, None, "200", c.MediatorsSchema),
    ("post", "/api/mediations/{id}/parties", "Add a party", c.PartySchema, None, "200", c.MediationSchema),
    ("post", "/api/mediations/{id}/consents", "A party consents or refuses (自愿; a refusal ends it)", c.ConsentSchema,
     None, "200", c.MediationSchema),
    ("post", "/api/mediations/{id}/mediators", "Assign a mediator from the expert pool", c.MediatorAssignmentSchema,
     None, "200", c.MediationSchema),
    ("post", "/api/mediations/{id}/sessions", "Record a mediation session", c.SessionSchema, None, "200",
     c.MediationSchema),
    ("post", "/api/mediations/{id}/hearings", "Record a hearing (信访听证)", c.MediationHearingSchema, None, "200",
     c.MediationSchema),
    ("post", "/api/mediations/{id}/agreement", "The agreement, signed by every party and the mediator (调解协议)",
     c.AgreementSchema, None, "200", c.MediationSchema),
    ("post", "/api/mediations/{id}/failure", "No agreement at this layer: on to the next, or ended at the last",
     c.FailureSchema, None, "200", c.MediationSchema),
    ("post", "/api/mediations/{id}/confirmation", "The parties apply for judicial confirmation (司法确认, 30 days)",
     c.ConfirmationApplicationSchema, None, "200", c.MediationSchema),
    ("post", "/api/mediations/{id}/confirmation/decision", "The court's decision, where it does not come over the bus",
     c.ConfirmationDecisionSchema, None, "200", c.MediationSchema),
    ("post", "/api/backlog-cases", "Designate a backlog case by hand (积案认定), with a reason", c.DesignationSchema,
     None, "201", c.BacklogCaseSchema),
    ("get", "/api/backlog-cases", "The register of backlog cases (积案台账)", None, c.CaseListQuerySchema, "200",
     c.BacklogCaseListSchema),
    ("get", "/api/backlog-cases/{id}", "A backlog case with its history", None, None, "200", c.BacklogCaseSchema),
    ("get", "/api/leaders/{leader}/cases", "A leader's own case list (包案领导的案件清单)", None, None, "200",
     c.BacklogCaseListSchema),
    ("post", "/api/backlog-cases/{id}/leader", "The leader, task force and plan (一案一领导一专班一方案); again to reassign",
     c.OwnershipSchema, None, "200", c.BacklogCaseSchema),
    ("post", "/api/backlog-cases/{id}/meetings", "One of the three meetings (三见面)", c.MeetingSchema, None, "200",
     c.BacklogCaseSchema),
    ("post", "/api/backlog-cases/{id}/checks", "One of the four checks (四不放过), with its evidence", c.CheckSchema,
     None, "200", c.BacklogCaseSchema),
    ("post", "/api/backlog-cases/{id}/reviews", "The month's progress review", c.MonthlyReviewSchema, None, "200",
     c.BacklogCaseSchema),
    ("post", "/api/backlog-cases/{id}/resolution", "Resolved (案结事了): 409 naming what is still missing",
     c.ResolutionSchema, None, "200", c.BacklogCaseSchema),
    ("post", "/api/backlog-cases/{id}/termination", "Terminated unresolved, with the reason", c.TerminationSchema,
     None, "200", c.BacklogCaseSchema),
    ("post", "/api/backlog-sweep", "Designate matters unresolved past the limit and flag months without review, "
     "as of a date", c.SweepSchema, None, "200", c.SweepResultSchema),
    ("post", "/api/supervisions", "The office takes a matter up by hand (督办, A40): a supervision letter at once",
     c.ManualSupervisionSchema, None, "201", c.SupervisionSchema),
    ("get", "/api/supervisions/{id}", "A watched limit or a manual supervision, with its letters", None, None, "200",
     c.SupervisionSchema),
    ("get", "/api/supervisions/{id}/letters", "The letters (提醒函/预警函/督办函/问责建议函) as documents", None, None,
     "200", c.LettersSchema),
    ("post", "/api/supervisions/{id}/responses", "The unit's written answer to a letter", c.ResponseSchema, None,
     "200", c.SupervisionSchema),
    ("post", "/api/supervisions/{id}/closure", "The office closes a manual supervision", c.ClosureSchema, None, "200",
     c.SupervisionSchema),
    ("post", "/api/supervision-scan", "Issue the letters due as of a date (the hourly scan does the same)",
     c.ScanSchema, None, "200", c.ScanResultSchema),
    ("post", "/api/listings", "Listed supervision of a unit or a matter (挂牌督办, A39)", c.ListingSchema, None, "201",
     c.ListedSupervisionSchema),
    ("get", "/api/listings/{id}", "A listed supervision", None, None, "200", c.ListedSupervisionSchema),
    ("post", "/api/listings/{id}/lifting", "Lift the listing once corrected", c.LiftingSchema, None, "200",
     c.ListedSupervisionSchema),
    ("post", "/api/evaluations/expiry", "Record ratings not given within the window (超期未评价) as of a date",
     c.ExpirySchema, None, "200", c.ExpiryResultSchema),
    ("post", "/api/assignments/{id}/sign", "The unit signs for it (签收)", c.SignSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/extension", "Extend the handling limit once (延期)", c.ExtensionSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/reply", "Reply with the handling opinion (答复)", c.ReplySchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/evaluation", "The petitioner's rating (评价)", c.EvaluationSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/joint-handling", "Ask other agencies to handle it jointly (联合办理)",
     c.JointHandlingSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/joint-handling/{agency}/waiver",
     "Record why a named agency's report will not come", c.WaiverSchema, None, "200", c.AssignmentSchema),
    ("get", "/api/stats/summary", "Counts and rates with the same period a year earlier", None, c.PeriodQuerySchema, "200", None),
    ("get", "/api/stats/volume", "Volumes (件次 and 人次) by period and channel, region, category or matter type", None,
     c.VolumeQuerySchema, "200", None),
    ("get", "/api/stats/repeats", "Repeat petitions (重复信访) per petitioner and per matter, with last year's totals",
     None, c.RepeatsQuerySchema, "200", c.RepeatsSchema),
    ("get", "/api/stats/mediation", "Mediations opened in the period: outcomes, each layer, judicial confirmation",
     None, c.MediationStatsQuerySchema, "200", c.MediationStatsSchema),
    ("get", "/api/stats/backlog", "Backlog cases (信访积案) designated in the period: owned, resolved, by leader and "
     "region, leader-owned resolution rate against the 85% target", None, c.BacklogStatsQuerySchema, "200",
     c.BacklogStatsSchema),
    ("get", "/api/stats/supervision", "Supervision (督查督办) in the period: letters by kind and unit, overdue watches, "
     "listings, response timeliness and recommendation adoption", None, c.SupervisionStatsQuerySchema, "200",
     c.SupervisionStatsSchema),
    ("get", "/api/supervision/overdue", "The overdue list per unit for the dispatch meeting: watches still open past "
     "their deadline, with the highest letter issued", None, c.OverdueQuerySchema, "200", c.OverdueListSchema),
    ("get", "/api/stats/targets", "The rates the bureau aims at (目标值, policy.json), drawn on the dashboard", None,
     None, "200", c.TargetsSchema),
    ("get", "/api/reference/regions", "The places statistics can be filtered by, with their region prefix", None,
     None, "200", c.RegionListSchema),
    ("get", "/api/reference/units", "The units (units.json): id, name, level, region", None, None, "200",
     c.UnitListSchema),
    ("get", "/api/stats/summary.csv", "The summary as CSV (UTF-8 with BOM, Chinese column labels)", None,
     c.PeriodQuerySchema, "200", "csv"),
    ("get", "/api/stats/volume.csv", "Volumes as CSV (UTF-8 with BOM, Chinese column labels)", None,
     c.VolumeQuerySchema, "200", "csv"),
    ("post", "/api/bulletins", "Compile the bulletin (通报) of a week, month, quarter or year; again while a draft "
     "replaces its figures, once published 409", c.BulletinCompileSchema, None, "201", c.BulletinSchema),
    ("get", "/api/bulletins", "The bulletins compiled, latest period first", None, c.BulletinListQuerySchema, "200",
     c.BulletinListSchema),
    ("get", "/api/bulletins/{id}", "A bulletin: its current figures and every version", None, None, "200",
     c.BulletinSchema),
    ("get", "/api/bulletins/{id}.csv", "A bulletin's current version as CSV (UTF-8 with BOM, Chinese labels)", None,
     None, "200", "csv"),
    ("post", "/api/bulletins/{id}/publication", "Publish the bulletin: its figures are frozen",
     c.PublicationSchema, None, "200", c.BulletinSchema),
    ("post", "/api/bulletins/{id}/corrections", "Correct a published bulletin: its figures compiled again as a new "
     "version, with the reason and what changed; earlier versions stay readable", c.CorrectionSchema, None, "200",
     c.BulletinSchema),
    ("post", "/api/petitions/{id}/erasure", "Erase the petitioner (PIPL Art. 47): their data key is deleted, so "
     "their name, ID number, phone and texts read as erased in every petition they lodged; statistics stay",
     c.ErasureCommandSchema, None, "200", c.ErasureSchema),
    ("get", "/api/erasures", "Every erasure ordered, oldest first, with who ordered it and when", None,
     c.ErasureQuerySchema, "200", c.ErasureListSchema),
    ("get", "/api/audit", "Who did what and when (审计), for the administrator: a petition's trail with its "
     "assignment, mediation, backlog case and supervisions; or any record's, person's or request's", None,
     c.AuditQuerySchema, "200", c.AuditTrailSchema),
    ("get", "/api/worklists/acceptance", "The reception office's queue (待受理): petitions not yet decided, nearest "
     "acceptance limit first", None, None, "200", cc.AcceptanceWorklistSchema),
    ("get", "/api/worklists/assignments", "Open assignments (待办): a unit handler's own unit's, or any unit's for the "
     "bureau; overdue and nearest limit first", None, cc.WorklistQuerySchema, "200", cc.AssignmentWorklistSchema),
    ("get", "/api/worklists/letters", "Supervision letters not yet answered (待回复督办函): a unit handler's own, or "
     "any unit's for the bureau; nearest reply-by day first", None, cc.WorklistQuerySchema, "200",
     cc.LetterWorklistSchema),
    ("get", "/api/worklists/pre-review", "Replies waiting for the bureau's pre-review (答复预审)", None, None, "200",
     cc.PreReviewWorklistSchema),
    ("post", "/api/petitions/possible-repeats", "Before saving a registration: the person's earlier petitions, "
     "those on the same matter marked (重复信访)", cc.PossibleRepeatsQuerySchema, None, "200", cc.PossibleRepeatsSchema),
    ("get", "/api/dead-letters", "Messages from other agencies that were refused, with the reason", None,
     c.DeadLetterQuerySchema, "200", c.DeadLetterPageSchema),
    ("post", "/api/dead-letters/{id}/resubmit", "Process a refused message again once its sender fixed it",
     c.ResubmitSchema, None, "200", c.ResubmittedSchema),
]


# The petitioners' self-service: no token (the query code is the credential), limited per address.
PUBLIC_OPERATIONS = [
    ("get", "/api/public/reference", "Categories, regions and matter types for the online form", None, None, "200",
     cc.PublicReferenceSchema),
    ("post", "/api/public/petitions", "Lodge a petition online (网上信访): the answer carries the query code, once",
     cc.OnlinePetitionSchema, None, "201", cc.SubmissionReceiptSchema),
    ("get", "/api/public/petitions/{code}", "The petition a query code opens, as its petitioner follows it: dates, "
     "steps, notices, the reply, whether it can still be rated or reviewed", None, None, "200", cc.SelfServiceSchema),
    ("post", "/api/public/petitions/{code}/evaluation", "The petitioner rates the reply (满意度评价) within the window",
     cc.PublicEvaluationSchema, None, "200", cc.SelfServiceSchema),
    ("post", "/api/public/petitions/{code}/review-request", "The petitioner asks for review (复查) or re-review (复核) "
     "within 30 days", cc.PublicReviewRequestSchema, None, "200", cc.SelfServiceSchema),
]
TOO_MANY = "too many requests from this address (or query codes that opened nothing); retry after Retry-After seconds"

BEARER = {"type": "http", "scheme": "bearer",
          "description": "a token issued by `./run token issue` for one person, role and (for a unit role) unit; "
                         "who it stands for is recorded on every event the call causes"}


def build_spec() -> dict:
    spec = APISpec(title="信访事项办理系统 — Petition handling API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Registration, acceptance, dispatch, reply, rating and statistics. "
                                        "ID numbers and phones are masked in every response."})
    spec.components.schema("Error", schema=c.ErrorSchema)
    spec.components.security_scheme("bearer", BEARER)
    for method, path, summary, body, query, status, response in OPERATIONS + PUBLIC_OPERATIONS:
        public = (method, path, summary, body, query, status, response) in PUBLIC_OPERATIONS
        content = ({"text/csv": {"schema": {"type": "string"}}} if response == "csv"
                   else {"application/json": {"schema": response or {"type": "object"}}})
        operation = {"summary": summary, "responses": {
            status: {"description": "success", "content": content},
            **{code: {"description": text, "content": {"application/json": {"schema": "Error"}}}
               for code, text in ERRORS.items()}}}
        if "{id}" in path:
            operation["parameters"] = [{"in": "path", "name": "id", "required": True,
                                        "schema": {"type": "string", "format": "uuid"}}]
        if "{code}" in path:
            operation["parameters"] = [{"in": "path", "name": "code", "required": True, "schema": cc.QUERY_CODE}]
        if public:
            del operation["responses"]["401"], operation["responses"]["403"]
            operation["responses"]["429"] = {"description": TOO_MANY,
                                             "content": {"application/json": {"schema": "Error"}}}
        if "{leader}" in path:
            operation["parameters"] = [{"in": "path", "name": "leader", "required": True, "schema": {"type": "string"}}]
        if "{agency}" in path:
            operation["parameters"].append({"in": "path", "name": "agency", "required": True,
                                            "schema": {"type": "string", "enum": list(c.AGENCIES)}})
        if query:
            operation.setdefault("parameters", []).append({"in": "query", "schema": query})
        operation["security"] = [] if public else [{"bearer": []}]
        if body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        existing = spec._paths.get(path, {})
        spec.path(path=path, operations={**existing, method: operation})
    return spec.to_dict()
