"""Every handler the gateway serves is either public by name or has a row in the access table, and
every row names a handler that exists: a new route cannot slip out without a rule."""
from services.gateway import http_handlers
from shared.access import PERMISSIONS, PUBLIC


def handlers() -> dict[str, str]:
    return {name: entrypoint.url for name, entrypoint in http_handlers().items()}


def test_every_route_is_public_or_has_a_rule_and_no_rule_is_stale():
    served = handlers()
    observability = {"metrics", "health", "health_live", "health_ready"}  # the service's own port
    assert len(served) > 60
    assert set(served) - observability - PUBLIC == set(PERMISSIONS)


def test_only_the_description_the_pages_and_the_self_service_are_public():
    served = handlers()
    assert {served[name] for name in PUBLIC} == {
        "/api/openapi.json", "/", "/dashboard", "/dashboard/<path:path>", "/self", "/console", "/console/<path:path>",
        "/api/public/reference", "/api/public/petitions", "/api/public/petitions/<string:code>",
        "/api/public/petitions/<string:code>/evaluation", "/api/public/petitions/<string:code>/review-request"}
