"""Every /api route the gateway answers is in the OpenAPI document, with the same method."""
import re

from services.gateway import http_handlers
from services.openapi import OPERATIONS, PUBLIC_OPERATIONS, build_spec


def shape(path: str) -> str:
    """/api/petitions/<string:petition_id> and /api/petitions/{id} alike: parameters unnamed."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_api_route_is_documented():
    routes = {(entrypoint.method.lower(), shape(entrypoint.url))
              for entrypoint in http_handlers().values() if entrypoint.url.startswith("/api/")}
    assert len(routes) > 50  # the routes were found
    documented = {(method, shape(path)) for method, path, *_ in OPERATIONS + PUBLIC_OPERATIONS}
    assert routes - {("get", "/api/openapi.json")} <= documented
    assert {"/api/stats/targets", "/api/reference/regions", "/api/reference/units"} <= set(build_spec()["paths"])
