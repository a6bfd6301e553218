"""Personal data stays encrypted at rest and out of read models; every service exposes metrics."""
import zlib

import requests

from tests.support import petition


def test_id_numbers_and_phones_are_nowhere_in_clear(system):
    body = petition(777, region_code="371321")
    created = system.session().post(system.url("/api/petitions"), json=body, timeout=30)
    assert created.status_code == 201
    id_number, phone = body["petitioner"]["id_number"], body["petitioner"]["phone"]
    system.wait_until(lambda: system.sql("SELECT count(*) FROM reporting.stats_petitions WHERE petition_id = %s",
                                         created.json()["id"])[0][0] == 1)

    # Every stored event of every service, and every read-model row, as bytes and as text.
    dumps = []
    for schema in ("intake", "dispatch"):
        dumps += [bytes(state) for (state,) in system.sql(f"SELECT state FROM {schema}.{schema}_events")]
    for table in ("stats_petitions", "stats_assignments"):
        dumps += [repr(row).encode() for row in system.sql(f"SELECT * FROM reporting.{table}")]
    assert dumps
    # Compression alone would also hide the bytes: the states must be ciphertext, not zlib streams.
    for (state,) in system.sql("SELECT state FROM intake.intake_events"):
        try:
            zlib.decompress(bytes(state))
        except zlib.error:
            continue
        raise AssertionError("an intake event is stored unencrypted")
    for secret in (id_number, phone, body["petitioner"]["name"]):
        assert not any(secret.encode() in blob for blob in dumps), secret

    # The petition read back shows them masked.
    shown = system.session().get(system.url(f"/api/petitions/{created.json()['id']}"), timeout=30).json()["petitioner"]
    assert shown["id_number"] == id_number[:4] + "*" * 10 + id_number[-4:]
    assert shown["phone"] == phone[:3] + "****" + phone[-4:]


def test_every_service_exposes_its_metrics(system):
    system.session().post(system.url("/api/petitions"), json=petition(778, region_code="530302"), timeout=30)
    for name, port in system.ports.items():
        text = system.wait_until(lambda port=port: (r := requests.get(f"http://127.0.0.1:{port}/metrics",
                                                                      timeout=5)).ok and r.text)
        assert "xinfang_" in text or name == "gateway", name
    intake = requests.get(f"http://127.0.0.1:{system.ports['intake']}/metrics", timeout=5).text
    assert 'xinfang_commands_total{command="register",outcome="ok",service="intake"}' in intake
    reporting = system.wait_until(lambda: "xinfang_events_consumed_total" in (
        t := requests.get(f"http://127.0.0.1:{system.ports['reporting']}/metrics", timeout=5).text) and t)
    assert 'outcome="processed",service="reporting",source="intake"' in reporting
    assert requests.get(f"http://127.0.0.1:{system.ports['gateway']}/health", timeout=5).ok
