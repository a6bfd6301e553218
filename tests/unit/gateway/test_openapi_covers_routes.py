"""Every /api route the gateway answers is in the OpenAPI document, with the same method."""
import re

from nameko.web.handlers import HttpRequestHandler

from services.gateway import GatewayService
from services.openapi import OPERATIONS, build_spec


def shape(path: str) -> str:
    """/api/petitions/<string:petition_id> and /api/petitions/{id} alike: parameters unnamed."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_api_route_is_documented():
    routes = {(entrypoint.method.lower(), shape(entrypoint.url))
              for member in vars(GatewayService).values()
              for entrypoint in getattr(member, "nameko_entrypoints", ())
              if isinstance(entrypoint, HttpRequestHandler) and entrypoint.url.startswith("/api/")}
    assert len(routes) > 50  # the routes were found
    documented = {(method, shape(path)) for method, path, *_ in OPERATIONS}
    assert routes - {("get", "/api/openapi.json")} <= documented
    assert {"/api/stats/targets", "/api/reference/regions", "/api/reference/units"} <= set(build_spec()["paths"])
