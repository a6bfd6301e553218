"""Many clerks act on one assignment at once: exactly one command wins, the others are told why."""
import threading


from tests.support import REPLY, petition


import pytest


@pytest.mark.parametrize("round_", range(5))
def test_concurrent_signatures_one_wins_the_rest_are_conflicts(system, round_):
    created = system.session().post(system.url("/api/petitions"), json=petition(900 + round_, region_code="530381"),
                            timeout=30).json()
    system.session().post(system.url(f"/api/petitions/{created['id']}/acceptance"), timeout=30,
                  json={"decision": "accepted", "reason": "依法受理"}).raise_for_status()
    assignment_id = system.wait_until(
        lambda: system.session().get(system.url(f"/api/petitions/{created['id']}"), timeout=30).json()["assignment_id"])
    unit = system.session().get(system.url(f"/api/assignments/{assignment_id}"), timeout=30).json()["unit"]

    statuses: list[int] = []
    barrier = threading.Barrier(16)

    def sign():
        barrier.wait()
        statuses.append(system.session().post(system.url(f"/api/assignments/{assignment_id}/sign"),
                                      json={"unit": unit}, timeout=60).status_code)

    threads = [threading.Thread(target=sign) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 15

    history = system.session().get(system.url(f"/api/assignments/{assignment_id}"), timeout=30).json()["history"]
    assert [entry["type"] for entry in history].count("signed") == 1
    reply = system.session().post(system.url(f"/api/assignments/{assignment_id}/reply"), json=REPLY, timeout=30)
    assert reply.status_code == 200
