"""Crypto-shredding and cipher-key rotation (RELIABILITY.md scenario 13, decision 0019) with every
service a real process: an erased petitioner is gone from every table of the database while the
others and the statistics stay as they were; the application key is rotated on a running system."""
import json
import subprocess
import sys
import zlib


from shared.keyring import KeyRing
from shared.privacy import pseudonym
from shared.settings import new_key
from shared.shredding import ERASED_TEXT
from tests.conftest import system_of_its_own
from tests.support import REPLY, id_number, petition

REGION = "150623"
PERIOD = "from=2018-05-01&to=2018-05-31"  # a month no other test registers in
WANG = {"name": "王秀英", "id_number": id_number("15062319750315412"), "phone": "13912340001"}
ZHAO = {"name": "赵建国", "id_number": id_number("15062319680720301"), "phone": "13912340002"}
SUN = {"name": "孙丽华", "id_number": id_number("15062319820911254"), "phone": "13912340003"}
WANG_SUBJECT, WANG_CONTENT = "宅基地被占用", "邻居翻建房屋占用我家宅基地约三米，请求处理。"


def body(person: dict, day: int, subject: str = "草场补贴未发放", content: str = "二〇一七年草场补贴至今未发放。"):
    return petition(0, petitioner=dict(person), region_code=REGION, subject=subject, content=content,
                    received_at=f"2018-05-{day:02d}T09:30:00+08:00")


def call(system, method: str, path: str, payload=None, status: int = 200) -> dict:
    answer = system.session().request(method, system.url(path), json=payload, timeout=30)
    assert answer.status_code == status, answer.text
    return answer.json()


def handle(system, petition_id: str) -> None:
    """Accepted, routed, signed, replied, pre-reviewed and rated, as the statutory course goes."""
    call(system, "POST", f"/api/petitions/{petition_id}/acceptance",
         {"decision": "accepted", "reason": "属于受理范围", "decided_at": "2018-05-08T10:00:00+08:00"})
    seen = system.wait_until(lambda: (p := call(system, "GET", f"/api/petitions/{petition_id}"))["assignment_id"] and p,
                             timeout=30)
    path = f"/api/assignments/{seen['assignment_id']}"
    unit = call(system, "GET", path)["unit"]
    call(system, "POST", path + "/sign", {"unit": unit, "signed_at": "2018-05-09T09:00:00+08:00"})
    call(system, "POST", path + "/reply", {**REPLY, "replied_at": "2018-05-15T09:00:00+08:00"})
    call(system, "POST", path + "/pre-review", {"approved": True, "decided_at": "2018-05-15T10:00:00+08:00"})
    call(system, "POST", path + "/evaluation", {"rating": "satisfied", "rated_at": "2018-05-16T10:00:00+08:00"})
    system.wait_until(lambda: call(system, "GET", f"/api/petitions/{petition_id}")["status"] == "evaluated", timeout=30)


def statistics(system) -> tuple[dict, dict]:
    return (call(system, "GET", f"/api/stats/summary?{PERIOD}&region={REGION}"),
            call(system, "GET", f"/api/stats/repeats?{PERIOD}&region={REGION}"))


def admin(system, *args, **env):
    done = subprocess.run([sys.executable, "-m", "services.admin", *args], env={**system.launcher.env, **env},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def every_table(system) -> list[tuple[str, str]]:
    return system.sql("SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                      "AND table_schema NOT IN ('pg_catalog', 'information_schema')")


def database_dump(system, ring: KeyRing) -> bytes:
    """Every row of every table of every schema, with the application cipher and compression undone
    wherever a value opens with it: what someone holding the database and the application key sees."""
    parts = []
    for schema, table in every_table(system):
        for row in system.sql(f'SELECT * FROM "{schema}"."{table}"'):
            for value in row:
                if isinstance(value, (bytes, memoryview)):
                    value = bytes(value)
                    try:
                        value = zlib.decompress(ring.decrypt(value))
                    except (ValueError, zlib.error):
                        pass
                    parts.append(value)
                else:
                    parts.append(repr(value).encode())
    return b"\n".join(parts)


def clear_forms(text: str) -> list[bytes]:
    return [text.encode(), json.dumps(text).encode()]  # as UTF-8, and as JSON escapes it


def test_an_erased_petitioner_is_gone_everywhere_and_nothing_else_changes(system):
    wang = call(system, "POST", "/api/petitions", body(WANG, 7, WANG_SUBJECT, WANG_CONTENT), 201)
    wang_again = call(system, "POST", "/api/petitions", body(WANG, 14, WANG_SUBJECT, WANG_CONTENT), 201)
    assert wang_again["repeat_of"] == wang["id"]
    zhao = call(system, "POST", "/api/petitions", body(ZHAO, 7), 201)
    sun = call(system, "POST", "/api/petitions", body(SUN, 10), 201)
    handle(system, wang["id"])
    handle(system, zhao["id"])
    summary, repeats = system.wait_until(
        lambda: (s := statistics(system))[0]["received"] == 4 and s[0]["satisfaction_rate"] == 1.0
        and s[1]["totals"]["repeats"] == 1 and s, timeout=30)
    key_of = {name: pseudonym(system.settings.pseudonym_key_bytes(), "id", p["id_number"])
              for name, p in (("wang", WANG), ("zhao", ZHAO), ("sun", SUN))}
    assert system.sql("SELECT count(*) FROM vault.petitioner_keys WHERE ref = %s", key_of["wang"]) == [(1,)]

    erased = admin(system, "erase-petitioner", wang["id"], XINFANG_OPERATOR="wang-fg")
    assert erased["key_deleted"] and erased["petitioner_ref"] == key_of["wang"]

    # (a) In no table of any schema, even with the application key: their key row is gone, and no
    # key left opens what their events sealed.
    assert system.sql("SELECT count(*) FROM vault.petitioner_keys WHERE ref = %s", key_of["wang"]) == [(0,)]
    assert system.sql("SELECT count(*) FROM vault.petitioner_keys WHERE ref = ANY(%s)",
                      [key_of["zhao"], key_of["sun"]]) == [(2,)]
    ring = KeyRing(system.env["XINFANG_CIPHER_KEY"])
    dump = database_dump(system, ring)
    assert ZHAO["name"].encode() not in dump  # sealed, though readable through the API (below)
    for secret in (WANG["name"], WANG["id_number"], WANG["phone"], WANG_SUBJECT, WANG_CONTENT):
        assert not any(form in dump for form in clear_forms(secret)), secret
    assert not any(form in dump for form in clear_forms(WANG["id_number"][:4] + "*" * 10 + WANG["id_number"][-4:]))
    assert b'"sealed"' in dump  # the personal fields are there, as ciphertext

    # (b) The erased person's petitions read as erased, history and notices too.
    for petition_id in (wang["id"], wang_again["id"]):
        shown = call(system, "GET", f"/api/petitions/{petition_id}")
        assert shown["petitioner"] == {"name": ERASED_TEXT, "id_number": None, "phone": None}
        assert (shown["subject"], shown["content"]) == (ERASED_TEXT, ERASED_TEXT)
        assert WANG["name"] not in json.dumps(shown, ensure_ascii=False)
    assert call(system, "GET", f"/api/petitions/{wang['id']}")["status"] == "evaluated"
    notices = json.dumps(call(system, "GET", f"/api/petitions/{wang['id']}/notices"), ensure_ascii=False)
    assert f"{ERASED_TEXT}：" in notices and WANG["name"] not in notices and WANG_SUBJECT not in notices

    # (c) The others read as before.
    for person, registered in ((ZHAO, zhao), (SUN, sun)):
        shown = call(system, "GET", f"/api/petitions/{registered['id']}")
        assert shown["petitioner"]["name"] == person["name"] and shown["subject"] == "草场补贴未发放"
        assert shown["petitioner"]["id_number"] == person["id_number"][:4] + "*" * 10 + person["id_number"][-4:]

    # (d) The statistics are exactly what they were.
    assert statistics(system) == (summary, repeats)

    # (e) The erasure is on record: who, when, on which ground; by pseudonym only.
    recorded = [e for e in admin(system, "erasures") if e["petitioner_ref"] == key_of["wang"]]
    assert len(recorded) == 1
    assert recorded[0]["by"] == "operator:wang-fg" and recorded[0]["at"].startswith(erased["at"][:16])
    assert (recorded[0]["petition_id"], recorded[0]["ground"]) == (wang["id"], "request")

    # Registering the person again is a new processing, under a new key; a re-applied erasure
    # (a key table restored from backup) leaves that key alone.
    again = call(system, "POST", "/api/petitions", body(WANG, 21, WANG_SUBJECT, WANG_CONTENT), 201)
    assert admin(system, "reapply-erasures")["keys_deleted"] == 0
    assert call(system, "GET", f"/api/petitions/{again['id']}")["petitioner"]["name"] == WANG["name"]


rotating = system_of_its_own("rotation")


def restart(system, **env) -> None:
    system.launcher.stop()
    system.launcher.env.update(env)
    system.env.update(env)
    system.launcher.start()
    system.launcher.wait_healthy(system.ports, timeout=120)


def test_the_cipher_key_is_rotated_on_a_running_system(rotating):
    system = rotating
    old = system.env["XINFANG_CIPHER_KEY"]
    wang = call(system, "POST", "/api/petitions", body(WANG, 7, WANG_SUBJECT, WANG_CONTENT), 201)
    zhao = call(system, "POST", "/api/petitions", body(ZHAO, 8), 201)
    handle(system, zhao["id"])
    admin(system, "erase-petitioner", wang["id"])
    before = system.wait_until(lambda: (s := statistics(system))[0]["satisfaction_rate"] == 1.0 and s, timeout=30)

    # 1. The new key encrypts, the old one still decrypts.
    new = new_key()
    restart(system, XINFANG_CIPHER_KEY=new, XINFANG_CIPHER_OLD_KEYS=old)
    sun = call(system, "POST", "/api/petitions", body(SUN, 9), 201)
    assert call(system, "GET", f"/api/petitions/{zhao['id']}")["petitioner"]["name"] == ZHAO["name"]

    # 2. Everything an old key encrypted is rewritten; a second run finds nothing left to do.
    rotated = admin(system, "rotate-cipher-key")
    assert rotated["rewritten"] > 0 and rotated["unreadable"] == 0 and not rotated["old_keys_still_needed"]
    assert {"intake.intake_events", "dispatch.dispatch_events", "vault.petitioner_keys"} <= set(rotated["tables"])
    again = admin(system, "rotate-cipher-key")
    assert again["rewritten"] == 0 and again["current"] == again["rows"] >= rotated["rows"]
    new_only = KeyRing(new)
    for schema, table in system.sql("SELECT table_schema, table_name FROM information_schema.columns "
                                    "WHERE column_name = 'state' AND data_type = 'bytea' "
                                    "AND table_schema NOT IN ('pg_catalog', 'information_schema')"):
        for (state,) in system.sql(f'SELECT state FROM "{schema}"."{table}"'):
            new_only.decrypt(bytes(state))  # raises if any record still needs an old key

    # 3. Without the old key, everything still reads, the erased person stays erased.
    restart(system, XINFANG_CIPHER_OLD_KEYS="")
    assert call(system, "GET", f"/api/petitions/{zhao['id']}")["petitioner"]["name"] == ZHAO["name"]
    assert call(system, "GET", f"/api/petitions/{sun['id']}")["petitioner"]["name"] == SUN["name"]
    assert call(system, "GET", f"/api/petitions/{wang['id']}")["petitioner"]["name"] == ERASED_TEXT
    assert call(system, "GET", f"/api/petitions/{zhao['id']}/notices")["notices"]
    after = system.wait_until(lambda: (s := statistics(system))[0]["received"] == 3 and s, timeout=30)
    assert after[0]["satisfaction_rate"] == before[0]["satisfaction_rate"]
    assert after[1]["totals"]["persons"] == before[1]["totals"]["persons"] + 1
    call(system, "POST", "/api/petitions", body(SUN, 10), 201)
