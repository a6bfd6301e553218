"""A service that is down makes the gateway answer 503 in bounded time, and nothing is lost."""
import time


from tests.support import petition


def test_a_stopped_service_gives_503_and_the_call_works_again_once_it_is_back(system):
    created = system.session().post(system.url("/api/petitions"), json=petition(950, region_code="530381"), timeout=30).json()
    system.launcher.kill("intake")
    try:
        started = time.time()
        answer = system.session().get(system.url(f"/api/petitions/{created['id']}"), timeout=30)
        assert answer.status_code == 503 and answer.headers["Retry-After"]
        assert time.time() - started < 15  # the gateway's limit is 8 s in the tests
        # A registration sent meanwhile is answered 503 too, and kept: retried with its key, it counts once.
        body, key = petition(951, region_code="530381"), {"Idempotency-Key": "while-intake-was-down"}
        assert system.session().post(system.url("/api/petitions"), json=body, headers=key, timeout=30).status_code == 503
    finally:
        system.launcher.start("intake")
        system.launcher.wait_healthy({"intake": system.ports["intake"]})
    assert system.session().get(system.url(f"/api/petitions/{created['id']}"), timeout=30).status_code == 200
    retried = system.session().post(system.url("/api/petitions"), json=body, headers=key, timeout=30)
    assert retried.status_code == 201
    again = system.session().post(system.url("/api/petitions"), json=body, headers=key, timeout=30)
    assert again.json()["id"] == retried.json()["id"]
