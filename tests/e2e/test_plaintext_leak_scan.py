"""Plaintext leak scan (RELIABILITY.md scenario 12, decision 0023): synthetic petitioners (a thousand in the recorded run, 300 in CI)
registered over HTTP, agency messages carrying callers' and parties' phones (some dead-lettered); then
every table of every schema (raw, and with the application cipher undone), the broker's dead-letter
queue, every service's log and every service's /metrics are searched for an ID number or a mobile in
clear. The scan is first shown to catch a planted one."""
import json
import os
import re
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from urllib.parse import quote

import psycopg
import requests

from shared.keyring import KeyRing
from tests.conftest import RABBIT_API, system_of_its_own
from tests.e2e.test_agency_bus import event, publish, publish_event
from tests.e2e.test_crypto_shredding import every_table
from tests.support import id_number, petition

# RELIABILITY.md scenario 12 asks for a thousand (XINFANG_LEAK_SCAN_PETITIONERS=1000, as in the run
# recorded in docs/reliability.md); CI scans 300 to stay within its time.
PETITIONERS = int(os.environ.get("XINFANG_LEAK_SCAN_PETITIONERS", "300"))
REGION = "150623"
ID_RE = re.compile(rb"(?<![0-9A-Za-z_-])[0-9]{17}[0-9Xx](?![0-9A-Za-z_-])")
MOBILE_RE = re.compile(rb"(?<![0-9A-Za-z_-])1[3-9][0-9]{9}(?![0-9A-Za-z_-])")


def person(n: int) -> dict:
    born = (date(1950, 1, 1) + timedelta(days=n * 7)).strftime("%Y%m%d")
    return {"name": f"测试{n:04d}", "id_number": id_number(f"{REGION}{born}{n % 1000:03d}"),
            "phone": f"13{5 + n % 5}{n:08d}"}


def caller_phone(n: int) -> str:
    return f"15{7 + n % 3}{n:08d}"


scanned = system_of_its_own("leakscan")


def register_all(system) -> tuple[set[str], float]:
    started = time.monotonic()
    sessions = [system.session("clerk", f"clerk-{i}") for i in range(6)]

    def register(n):
        p = person(n)
        body = petition(n, petitioner=p, region_code=REGION, content=f"请回电{p['phone']}，身份证{p['id_number']}。",
                        representatives=[{"name": "代表", "phone": caller_phone(n)}] if n % 10 == 0 else [])
        answer = sessions[n % len(sessions)].post(system.url("/api/petitions"), json=body, timeout=60)
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(register, range(PETITIONERS)))
    # A few read back (their reads are audited; the answer shows them masked).
    for petition_id in ids[:5]:
        assert "*" in sessions[0].get(system.url(f"/api/petitions/{petition_id}"), timeout=30).json()["petitioner"]["phone"]
    secrets = {v for n in range(PETITIONERS) for v in (person(n)["id_number"], person(n)["phone"])}
    return secrets | {caller_phone(n) for n in range(0, PETITIONERS, 10)}, time.monotonic() - started


def agency_messages(system) -> set[str]:
    """Work orders with callers' phones (transferred and not), 110 and court parties with phones,
    and refused ones (a work order missing its title, one on the wrong routing key) that carry them."""
    phones = set()
    for n in range(40):
        phone = caller_phone(5000 + n)
        phones.add(phone)
        data = dict(order_no=f"WO-{n}", received_at="2026-11-20T09:30:00+08:00", region_code=REGION,
                    category="劳动保障", title="欠薪", content=f"来电人{phone}反映工地欠薪",
                    caller={"name": f"市民{n}", "phone": phone}, transfer_to_petition=n % 2 == 0)
        if n % 8 == 7:
            del data["title"]  # refused: invalid_data, dead-lettered with the phone in its body
        publish_event(system, "hotline12345.events", event("work_order.created", f"WO-{n}", "urn:cn:12345:150623",
                                                          **data))
    for n in range(10):
        phone = caller_phone(6000 + n)
        phones.add(phone)
        publish_event(system, "police110.events", event(
            "alert.transferred", f"JJ-{n}", "urn:cn:110:150623", alert_no=f"JJ-{n}",
            received_at="2026-11-20T09:30:00+08:00", region_code=REGION + "101", category="邻里纠纷",
            summary=f"当事人电话{phone}", parties=[{"name": f"当事人{n}", "phone": phone}]))
    raw = caller_phone(7000)
    phones.add(raw)
    publish(system, "court.events", "case.filed", f"not json, call {raw}".encode())  # not_json, dead-lettered
    return phones


def dead_letter_queue(system) -> list[bytes]:
    """The broker's dead-letter queue, read with requeue (nothing consumed)."""
    answer = requests.post(f"{RABBIT_API}/queues/{quote(system.name, safe='')}/xinfang.dead-letters/get",
                           json={"count": 10000, "ackmode": "ack_requeue_true", "encoding": "auto"}, timeout=60)
    answer.raise_for_status()
    return [json.dumps(m, ensure_ascii=False).encode() for m in answer.json()]


def dumps(system) -> dict[str, list[bytes]]:
    """Where personal data could rest: the database raw and with the application cipher undone, the
    dead-letter queue, the logs, the metrics."""
    ring = KeyRing(system.env["XINFANG_CIPHER_KEY"])
    raw, opened = [], []
    for schema, table in every_table(system):
        for row in system.sql(f'SELECT * FROM "{schema}"."{table}"'):
            for value in row:
                if isinstance(value, (bytes, memoryview)):
                    value = bytes(value)
                    raw.append(value)
                    try:
                        opened.append(f"{schema}.{table}: ".encode() + zlib.decompress(ring.decrypt(value)))
                    except (ValueError, zlib.error):
                        pass
                else:
                    raw.append(repr(value).encode())
    logs = [path.read_bytes() for path in system.launcher.log_dir.iterdir() if path.is_file()]
    metrics = [requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).content
               for name, port in system.ports.items() if name != "gateway"]
    return {"database": raw, "database opened with the application key": opened,
            "dead-letter queue": dead_letter_queue(system), "logs": logs, "metrics": metrics}


def leaks(found: dict[str, list[bytes]], secrets: set[str]) -> dict[str, set[str]]:
    """Per place, every clear ID number (valid check digit) or mobile, and every known secret."""
    known = [s.encode() for s in secrets]
    hits = {}
    for place, blobs in found.items():
        seen = set()
        for blob in blobs:
            seen |= {m.decode() for m in ID_RE.findall(blob) if id_number(m[:17].decode()) == m.decode().upper()}
            seen |= {m.decode() for m in MOBILE_RE.findall(blob)}
            seen |= {s.decode() for s in known if s in blob}
        if seen:
            hits[place] = seen
    return hits


def execute(system, statement: str, *params) -> None:
    with psycopg.connect(system.settings.postgres_conninfo(), autocommit=True) as conn:
        conn.execute(statement, params)


def test_the_scan_catches_a_planted_clear_id_number_and_phone(scanned):
    planted = person(99999)
    execute(scanned, "CREATE TABLE public.planted (note text)")
    try:
        execute(scanned, "INSERT INTO public.planted VALUES (%s)", f"证件号{planted['id_number']}")
        (scanned.launcher.log_dir / "planted.log").write_text(f"phone={planted['phone']}\n")
        hits = leaks(dumps(scanned), set())
        assert planted["id_number"] in hits["database"]
        assert planted["phone"] in hits["logs"]
    finally:
        execute(scanned, "DROP TABLE public.planted")
        (scanned.launcher.log_dir / "planted.log").unlink()


def test_synthetic_petitioners_leave_no_id_number_or_mobile_in_clear(scanned):
    secrets, took = register_all(scanned)
    secrets |= agency_messages(scanned)
    print(f"registered {PETITIONERS} petitions in {took:.1f}s")

    def settled():  # every refused message dead-lettered, every accepted one recorded and followed
        letters = scanned.session().get(scanned.url("/api/dead-letters?limit=200"), timeout=30).json()["items"]
        return len(letters) >= 6 and all(h["status"] == "ok" for h in map(scanned.health, ("reporting", "mediation")))

    scanned.wait_until(settled, timeout=60)
    time.sleep(3)  # the followers' last batch
    found = dumps(scanned)
    sizes = {place: sum(map(len, blobs)) for place, blobs in found.items()}
    print("scanned bytes:", sizes)
    hits = leaks(found, secrets)
    # Mediation's parties are under the application key only (decision 0019's remaining gap): a party's
    # phone from a 110 transfer still opens there. Listed here so that sealing them tightens this test.
    opened = hits.pop("database opened with the application key", set())
    mediation = leaks({"m": [b for b in found["database opened with the application key"]
                             if b.startswith(b"mediation.")]}, secrets).get("m", set())
    assert opened <= mediation, sorted(opened - mediation)[:10]
    assert hits == {}, {place: sorted(values)[:10] for place, values in hits.items()}
