"""The OpenAPI 3 document of the gateway, generated from the marshmallow contract schemas."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.contracts import http as c

ERRORS = {"400": "validation errors by field", "404": "unknown id", "409": "the state forbids it"}

# (method, path, summary, body schema, query schema, 2xx status, response schema)
OPERATIONS = [
    ("post", "/api/petitions", "Register a petition (登记)", c.PetitionCreateSchema, None, "201", c.PetitionSchema),
    ("get", "/api/petitions/{id}", "A petition with its history", None, None, "200", c.PetitionSchema),
    ("post", "/api/petitions/{id}/acceptance", "Decide acceptance (受理)", c.AcceptanceSchema, None, "200", c.PetitionSchema),
    ("get", "/api/assignments/{id}", "An assignment with its history", None, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/sign", "The unit signs for it (签收)", c.SignSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/extension", "Extend the handling limit once (延期)", c.ExtensionSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/reply", "Reply with the handling opinion (答复)", c.ReplySchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/evaluation", "The petitioner's rating (评价)", c.EvaluationSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/joint-handling", "Ask other agencies to handle it jointly (联合办理)",
     c.JointHandlingSchema, None, "200", c.AssignmentSchema),
    ("post", "/api/assignments/{id}/joint-handling/{agency}/waiver",
     "Record why a named agency's report will not come", c.WaiverSchema, None, "200", c.AssignmentSchema),
    ("get", "/api/stats/summary", "Counts and rates with the same period a year earlier", None, c.PeriodQuerySchema, "200", None),
    ("get", "/api/stats/volume", "Volumes by period and channel, region or category", None, c.VolumeQuerySchema, "200", None),
    ("get", "/api/dead-letters", "Messages from other agencies that were refused, with the reason", None,
     c.DeadLetterQuerySchema, "200", c.DeadLetterPageSchema),
    ("post", "/api/dead-letters/{id}/resubmit", "Process a refused message again once its sender fixed it",
     c.ResubmitSchema, None, "200", c.ResubmittedSchema),
]


def build_spec() -> dict:
    spec = APISpec(title="信访事项办理系统 — Petition handling API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Registration, acceptance, dispatch, reply, rating and statistics. "
                                        "ID numbers and phones are masked in every response."})
    spec.components.schema("Error", schema=c.ErrorSchema)
    for method, path, summary, body, query, status, response in OPERATIONS:
        operation = {"summary": summary, "responses": {
            status: {"description": "success",
                     "content": {"application/json": {"schema": response or {"type": "object"}}}},
            **{code: {"description": text, "content": {"application/json": {"schema": "Error"}}}
               for code, text in ERRORS.items()}}}
        if "{id}" in path:
            operation["parameters"] = [{"in": "path", "name": "id", "required": True,
                                        "schema": {"type": "string", "format": "uuid"}}]
        if "{agency}" in path:
            operation["parameters"].append({"in": "path", "name": "agency", "required": True,
                                            "schema": {"type": "string", "enum": list(c.AGENCIES)}})
        if query:
            operation.setdefault("parameters", []).append({"in": "query", "schema": query})
        if body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
        existing = spec._paths.get(path, {})
        spec.path(path=path, operations={**existing, method: operation})
    return spec.to_dict()
