"""Every handler the gateway serves is either public by name or has a row in the access table, and
every row names a handler that exists: a new route cannot slip out without a rule."""
from nameko.web.handlers import HttpRequestHandler

from services.gateway import GatewayService
from shared.access import PERMISSIONS, PUBLIC


def handlers() -> dict[str, str]:
    return {name: entrypoint.url for name, member in vars(GatewayService).items()
            for entrypoint in getattr(member, "nameko_entrypoints", ())
            if isinstance(entrypoint, HttpRequestHandler)}


def test_every_route_is_public_or_has_a_rule_and_no_rule_is_stale():
    served = handlers()
    observability = {"metrics", "health", "health_live", "health_ready"}  # the service's own port
    assert len(served) > 60
    assert set(served) - observability - PUBLIC == set(PERMISSIONS)


def test_only_the_description_and_the_dashboards_files_are_public():
    served = handlers()
    assert {served[name] for name in PUBLIC} == {"/api/openapi.json", "/", "/dashboard", "/dashboard/<path:path>"}
