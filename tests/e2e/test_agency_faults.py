"""Other agencies' events under faults (ADR 0009), on a system of this module's own.

1. 10,000 malformed or hostile messages across the three exchanges, interleaved with good ones:
   intake stays healthy, every good event is counted, and every bad message is dead-lettered —
   once per message in the broker's queue and in the metric, once per distinct (exchange, body)
   in intake's list — each with a reason of the contract's REASONS.
2. intake is SIGKILLed while 2,000 simulator events stream in: afterwards each is recorded and
   counted in the five volumes exactly once — nothing lost, nothing counted twice.

The hostile messages come first, while intake's dead-letter publisher is fresh: after some 30 s
without a dead letter the broker closes that connection for missed heartbeats and intake does not
reopen it, so every later bad message is retried until the broker parks it without its reason (a
bug in shared/inbound.py, not the subject of this module).
"""
import json
import random
import threading
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import amqp
import requests
from kombu import Connection, Exchange

from services.simulator import generate, publish as simulate
from shared.contracts.agency import AGENCY_EXCHANGES, MEDIATION_INBOUND, REASONS
from tests.conftest import RABBIT_API, system_of_its_own

BEIJING = timezone(timedelta(hours=8))
AGENCY_TOPIC = "%AgencyEvent.Received"
DEAD_LETTER_TOPIC = "%DeadLetter.Recorded"
DEAD_LETTER_QUEUE = "xinfang.dead-letters"
CLOUDEVENTS = "application/cloudevents+json"

# The five volumes each agency event type counts in, as reporting/statistics.py AGENCY_VOLUMES
# (and ADR 0008) define them; judicial confirmations count in none.
VOLUMES_OF = {"work_order.created": ("hotline12345",), "alert.received": ("police110",),
              "alert.transferred": ("police110", "mediation"), "case.filed": ("court",),
              "mediation.referred": ("mediation",)}
FIVE = ("hotline12345", "police110", "court", "petitions", "mediation")
MOMENT_OF = {"work_order.created": "received_at", "alert.received": "received_at",
             "alert.transferred": "received_at", "case.filed": "filed_at", "mediation.referred": "referred_at",
             "judicial_confirmation.decided": "decided_at"}


agency_system = system_of_its_own("agency-faults")


# -- helpers ---------------------------------------------------------------------------------------
def expected_volumes(events) -> dict[str, int]:
    """The five volumes the distinct events must give: each type in its volumes, and a petition for
    each 12345 work order transferred to the petition bureau."""
    volumes = dict.fromkeys(FIVE, 0)
    for _, kind, ce in {(ce["source"], ce["id"]): (x, kind, ce) for x, kind, ce in events}.values():
        for volume in VOLUMES_OF.get(kind, ()):
            volumes[volume] += 1
        if kind == "work_order.created" and ce["data"]["transfer_to_petition"] is True:
            volumes["petitions"] += 1
    return volumes


def period(events) -> tuple[date, date]:
    """The Beijing days the events happened on (what the statistics count them by)."""
    days = [datetime.fromisoformat(ce["data"][MOMENT_OF[kind]]).astimezone(BEIJING).date()
            for _, kind, ce in events]
    return min(days), max(days)


def five_volumes(system, start: date, end: date, region: str, attempts: int = 1) -> dict | None:
    """The period's five volumes; None when the gateway gave no answer in time (503: reporting is
    busy catching up, and the test systems' gateway waits only 3 s)."""
    for _ in range(attempts):
        answer = system.session().get(system.url(f"/api/stats/summary?from={start}&to={end}&region={region}"),
                              timeout=30)
        if answer.status_code != 503:
            answer.raise_for_status()
            return answer.json()["five_volumes"]
        time.sleep(1)
    return None


def stored(system, topic_pattern: str) -> int:
    """Events in intake's store whose topic matches (LIKE) the pattern."""
    return system.sql("SELECT count(*) FROM intake.intake_events WHERE topic LIKE %s", topic_pattern)[0][0]


def stored_agency_events(system) -> int:
    return stored(system, AGENCY_TOPIC)


def broker_queue(system, name: str) -> dict:
    answer = requests.get(f"{RABBIT_API}/queues/{quote(system.name, safe='')}/{quote(name, safe='')}",
                          timeout=10)
    answer.raise_for_status()
    return answer.json()


def queued(system, name: str) -> int | None:
    """Messages in a queue (ready + unacknowledged) as the management API reports them."""
    return broker_queue(system, name).get("messages")


def inbound_queues(system) -> list[str]:
    return ([f"intake.inbound.{exchange}" for exchange in AGENCY_EXCHANGES]
            + [f"mediation.inbound.{exchange}" for exchange in MEDIATION_INBOUND])


def also_to_mediation(messages) -> int:
    """Bad messages whose routing key mediation binds too: its own consumer refuses them as well."""
    return sum(1 for exchange, key, *_ in messages if key in MEDIATION_INBOUND.get(exchange, ()))


def intake_metrics(system) -> str:
    answer = requests.get(f"http://127.0.0.1:{system.ports['intake']}/metrics", timeout=10)
    answer.raise_for_status()
    return answer.text


def dead_letter_metric(system) -> int:
    """xinfang_inbound_dead_letters_total summed over its label sets (exchange, reason, …)."""
    total = 0.0
    for line in intake_metrics(system).splitlines():
        if line.startswith("xinfang_inbound_dead_letters_total{") or \
                line.startswith("xinfang_inbound_dead_letters_total "):
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


def listed_dead_letters(system) -> list[dict]:
    """Every dead letter intake lists, paging through next_after."""
    letters, after = [], 0
    session = system.session()
    for _ in range(10_000):
        for _attempt in range(5):  # 503: no answer within the gateway's 3 s, intake being busy
            answer = session.get(system.url(f"/api/dead-letters?after={after}&limit=200"), timeout=30)
            if answer.status_code != 503:
                break
            time.sleep(1)
        answer.raise_for_status()
        page = answer.json()
        letters += page["items"]
        after = page["next_after"]
        if not after:
            return letters
    raise AssertionError("dead-letter paging did not end")


def intake_healthy(system) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{system.ports['intake']}/health", timeout=5).ok
    except requests.RequestException:
        return False


def wait_for(system, predicate, timeout, what, state):
    """system.wait_until, failing with what was last seen."""
    try:
        return system.wait_until(predicate, timeout=timeout, interval=0.5)
    except AssertionError:
        raise AssertionError(f"{what} not reached within {timeout}s; last seen: {state}") from None


def simulated(start: date, days: int, seed: int, region: str, count: int, **kwargs) -> list:
    events = []
    for item in generate(start, start + timedelta(days=days), seed, [region], **kwargs):
        events.append(item)
        if len(events) == count:
            break
    assert len(events) == count, f"the simulator gave only {len(events)} events for {region}"
    return events


# -- 1. hostile messages -------------------------------------------------------------------------
GOOD_REGION = "530402"      # only the good events carry it: hostile ones derive from HOSTILE_REGION
HOSTILE_REGION = "620102"
HOSTILE_COUNT = 9_800   # and 200 of them again: 10,000 bad messages
GOOD_COUNT = 300

NULLABLE = {"time", "datacontenttype", "caller", "parties", "category@alert.received", "case_type", "cause",
            "name", "phone"}
REQUIRED_ENVELOPE = ("specversion", "id", "source", "type", "data")
REQUIRED_DATA = {
    "work_order.created": ("order_no", "received_at", "region_code", "category", "title", "content",
                           "transfer_to_petition"),
    "alert.received": ("alert_no", "received_at", "region_code"),
    "alert.transferred": ("alert_no", "received_at", "region_code", "category", "summary"),
    "case.filed": ("case_no", "filed_at", "region_code"),
    "mediation.referred": ("case_no", "referred_at", "region_code", "summary"),
    "judicial_confirmation.decided": ("mediation_id", "confirmed", "decided_at"),
}
KNOWN_DATA = {
    "work_order.created": REQUIRED_DATA["work_order.created"] + ("caller",),
    "alert.received": REQUIRED_DATA["alert.received"] + ("category",),
    "alert.transferred": REQUIRED_DATA["alert.transferred"] + ("parties",),
    "case.filed": REQUIRED_DATA["case.filed"] + ("case_type", "cause"),
    "mediation.referred": REQUIRED_DATA["mediation.referred"] + ("parties",),
    "judicial_confirmation.decided": REQUIRED_DATA["judicial_confirmation.decided"],
}
ENVELOPE_LIMITS = {"id": 200, "source": 500, "type": 200, "datacontenttype": 200}
DATA_LIMITS = {  # the longest each string may be
    "work_order.created": {"order_no": 64, "category": 64, "title": 200, "content": 20_000},
    "alert.received": {"alert_no": 64, "category": 64},
    "alert.transferred": {"alert_no": 64, "category": 64, "summary": 20_000},
    "case.filed": {"case_no": 64, "case_type": 64, "cause": 200},
    "mediation.referred": {"case_no": 64, "summary": 20_000},
    "judicial_confirmation.decided": {"mediation_id": 36},
}
BOOLEANS = {"transfer_to_petition", "confirmed"}
OBJECTS = {"data", "caller"}
LISTS = {"parties"}
WRONG_VALUES = [0, 1, -1, 3.5, 1e308, 10 ** 30, True, False, [], [1, "x"], {}, {"a": 1}, "text", "",
                "2026-11-20T09:30:00+08:00"]
BAD_CONTENT_TYPES = ["text/plain", "application/xml", "application/octet-stream", "text/json",
                     "application/cloudevents-batch+json", "multipart/form-data; boundary=x",
                     "application/x-www-form-urlencoded", "application/jsonp", "json", "application/json-seq"]
TOP_LEVEL = [b"[]", b"[1, 2, 3]", b'"a string"', b"42", b"-0.5", b"null", b"true", b"false", b'""',
             b'[{"specversion": "1.0"}]', b"1e5", b'"{\\"specversion\\": \\"1.0\\"}"']
BAD_VALUES = {
    "specversion": ["0.3", "1", "1.0 ", "v1.0", "2.0"],
    "id": ["", "x" * 201],
    "source": ["", "urn:cn:12345:620102 with spaces", "<script>", "源", "x" * 501, "%zz"],
    "type": ["", "t" * 201],
    "time": ["2026-11-20 09:30", "2026-11-20T09:30:00", "yesterday", "1900-01-01T00:00:00+08:00",
             "2100-01-01T08:00:00+08:00", "2026-13-01T00:00:00+08:00", "2026-02-30T00:00:00+08:00"],
    "datacontenttype": ["j" * 201],
    "region_code": ["62010", "6201021", "62010a", "６２０１０２", "620102\n", "", " 620102", "620102000001x"],
    "received_at": ["2026-11-20", "20261120T093000+0800", "2026-11-20T25:00:00+08:00", "1949-09-30T23:59:59+08:00"],
    "filed_at": ["2026-11-20", "not a time"], "referred_at": ["2026-11-20", "soon"],
    "decided_at": ["2026-11-20", "2099-12-31T23:59:60+08:00"],
    "order_no": ["", "n" * 65], "alert_no": ["", "n" * 65], "case_no": ["", "n" * 65],
    "category": ["c" * 65, "c" * 100], "title": ["", "t" * 201], "content": ["", "c" * 20001],
    "summary": ["", "s" * 20001],
    "case_type": ["c" * 65], "cause": ["c" * 201],
    "mediation_id": ["not-a-uuid", "12345678-1234-1234-1234-12345678901", "", "g" * 36],
}


def encode(ce) -> bytes:
    return json.dumps(ce, ensure_ascii=False).encode("utf-8")


class Hostile:
    """A seeded generator of bad messages: (exchange, routing key, body, content type)."""

    def __init__(self, seed: int, bases: list):
        self.rng = random.Random(seed)
        self.bases = bases
        self.kinds = [getattr(self, name) for name in dir(self) if name.startswith("bad_")]

    def base(self):
        exchange, kind, ce = self.rng.choice(self.bases)
        return exchange, kind, json.loads(json.dumps(ce))

    def key(self, exchange: str) -> str:
        return self.rng.choice(AGENCY_EXCHANGES[exchange])

    def exchange(self) -> str:
        return self.rng.choice(list(AGENCY_EXCHANGES))

    def messages(self, count: int):
        for _ in range(count):
            yield self.rng.choice(self.kinds)()

    # The kinds of bad message, picked at random.
    def bad_random_bytes(self):
        exchange = self.exchange()
        size = self.rng.choice([0, 1, 2, 7, 64, 500, 3000])
        return exchange, self.key(exchange), self.rng.randbytes(size), self.rng.choice([CLOUDEVENTS, None])

    def bad_truncated_json(self):
        exchange, kind, ce = self.base()
        body = encode(ce)
        return exchange, kind, body[:self.rng.randrange(0, len(body) - 1)], CLOUDEVENTS

    def _field(self, ce, kind):
        """A field of the envelope or of its data (or of a person in it): (container, name, label)."""
        choice = self.rng.random()
        if choice < 0.35:
            name = self.rng.choice(list(REQUIRED_ENVELOPE) + ["time", "datacontenttype"])
            return ce, name, name
        data = ce["data"]
        people = [p for p in ([data.get("caller")] + list(data.get("parties") or [])) if isinstance(p, dict)]
        if choice < 0.45 and people:
            person = self.rng.choice(people)
            name = self.rng.choice(["name", "phone"])
            return person, name, name
        name = self.rng.choice(KNOWN_DATA[kind])
        label = f"{name}@{kind}" if f"{name}@{kind}" in NULLABLE else name
        return data, name, label

    def bad_wrong_type(self):
        exchange, kind, ce = self.base()
        container, name, label = self._field(ce, kind)
        if name in BOOLEANS:
            pool = [v for v in WRONG_VALUES if not isinstance(v, bool)]
        elif name in OBJECTS:
            pool = [v for v in WRONG_VALUES if not isinstance(v, dict)]
        elif name in LISTS:
            pool = [v for v in WRONG_VALUES if not isinstance(v, list)]
        else:  # a string field
            pool = [v for v in WRONG_VALUES if not isinstance(v, str)]
        if label not in NULLABLE:
            pool.append(None)
        container[name] = self.rng.choice(pool)
        return exchange, kind, encode(ce), CLOUDEVENTS

    def bad_missing_required(self):
        exchange, kind, ce = self.base()
        if self.rng.random() < 0.4:
            del ce[self.rng.choice(REQUIRED_ENVELOPE)]
        else:
            del ce["data"][self.rng.choice(REQUIRED_DATA[kind])]
        return exchange, kind, encode(ce), CLOUDEVENTS

    def bad_value(self):
        exchange, kind, ce = self.base()
        candidates = [n for n in BAD_VALUES if n in ce] + [n for n in BAD_VALUES if n in ce["data"]]
        name = self.rng.choice(candidates)
        (ce if name in ce and name != "data" else ce["data"])[name] = self.rng.choice(BAD_VALUES[name])
        return exchange, kind, encode(ce), CLOUDEVENTS

    def bad_routing_key(self):
        """A key the exchange carries (others are never routed to intake) that is not the event's
        type, or an event of another exchange's type."""
        exchange, kind, ce = self.base()
        others = [k for k in AGENCY_EXCHANGES[exchange] if k != kind]
        if others and self.rng.random() < 0.5:
            return exchange, self.rng.choice(others), encode(ce), CLOUDEVENTS  # type_mismatch
        target = self.rng.choice([x for x in AGENCY_EXCHANGES if x != exchange])
        return target, self.key(target), encode(ce), CLOUDEVENTS  # unknown_type

    def bad_huge(self):
        exchange, kind, ce = self.base()
        if self.rng.random() < 0.012:  # more than MAX_BODY (1 MiB): refused before decoding
            ce["data"]["padding"] = "长" * self.rng.randint(350_000, 600_000)
            return exchange, kind, encode(ce), CLOUDEVENTS
        # a string longer than its field allows: just over, or far over
        container, limits = (ce, ENVELOPE_LIMITS) if self.rng.random() < 0.3 else (ce["data"], DATA_LIMITS[kind])
        name = self.rng.choice(list(limits))
        length = self.rng.choice([limits[name] + 1, limits[name] + 1, 3 * limits[name]])
        if self.rng.random() < 0.05:
            length = 60_000
        container[name] = self.rng.choice(["x", "诉", "\u00e9", "🧧"]) * length
        return exchange, kind, encode(ce), CLOUDEVENTS

    def bad_deep_nesting(self):
        exchange, kind, ce = self.base()
        depth = self.rng.choice([65, 65, 66, 100, 1000, 5000])
        if self.rng.random() < 0.02:
            depth = 100_000
        style = self.rng.random()
        if style < 0.25:
            return exchange, kind, b"[" * depth, CLOUDEVENTS
        if style < 0.5:
            return exchange, kind, b"[" * depth + b"]" * depth, CLOUDEVENTS
        # inside an otherwise valid event: {envelope {data [ ... ]}} is depth + 2 deep
        opening, closing = (b"[", b"]") if self.rng.random() < 0.5 else (b'{"k":', b"}")
        inner = opening * depth + b"1" + closing * depth
        body = encode(ce)
        assert body.endswith(b"}}")
        return exchange, kind, body[:-2] + b', "nested": ' + inner + b"}}", CLOUDEVENTS

    def bad_invalid_utf8(self):
        exchange, kind, ce = self.base()
        body = bytearray(encode(ce))
        junk = self.rng.choice([b"\xff", b"\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf5\x80\x80\x80", b"\x80",
                                b"\xe4\xb8", b"\xf0\x9f\x98"])
        at = self.rng.randrange(0, len(body))
        body[at:at] = junk
        if self.rng.random() < 0.2:
            body = bytearray(b"\xef\xbb\xbf") + body + b"\xe4"  # a BOM, then a truncated character
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return exchange, kind, bytes(body), CLOUDEVENTS
        return exchange, kind, bytes(body) + b"\xff", CLOUDEVENTS

    def bad_nul(self):
        exchange, kind, ce = self.base()
        if self.rng.random() < 0.4:  # a raw NUL byte: JSON forbids control characters
            body = bytearray(encode(ce))
            at = self.rng.randrange(0, len(body))
            body[at:at] = b"\x00" * self.rng.randint(1, 3)
            return exchange, kind, bytes(body), CLOUDEVENTS
        # an escaped one (or a lone surrogate) in a string field: valid JSON, not storable text
        strings = [(ce, n) for n in ("specversion", "id", "source", "type", "time", "datacontenttype")
                   if isinstance(ce.get(n), str)]
        strings += [(ce["data"], n) for n, v in ce["data"].items() if isinstance(v, str) and n in KNOWN_DATA[kind]]
        container, name = self.rng.choice(strings)
        bad = self.rng.choice(["\x00", "\ud800", "\udfff"])
        at = self.rng.randrange(0, len(container[name]) + 1)
        container[name] = container[name][:at] + bad + container[name][at:]
        return exchange, kind, json.dumps(ce).encode("ascii"), CLOUDEVENTS

    def bad_content_type(self):
        exchange, kind, ce = self.base()
        return exchange, kind, encode(ce), self.rng.choice(BAD_CONTENT_TYPES)

    def bad_top_level(self):
        exchange = self.exchange()
        return exchange, self.key(exchange), self.rng.choice(TOP_LEVEL), self.rng.choice([CLOUDEVENTS, None])


def publish_all(connection, messages) -> None:
    """Publishes on one connection and one channel, each publish waiting for its confirm. The raw
    channel, not kombu's Producer: a message without a content type must go out without one."""
    channel = connection.default_channel
    for name in AGENCY_EXCHANGES:
        Exchange(name, type="topic", durable=True)(channel).declare()
    for exchange, routing_key, body, content_type, encoding in messages:
        properties = {"delivery_mode": 2, "content_encoding": encoding}
        if content_type is not None:
            properties["content_type"] = content_type
        channel.basic_publish(amqp.Message(body, **properties), exchange=exchange, routing_key=routing_key)


def test_hostile_messages_are_dead_lettered_and_good_ones_still_count(agency_system):
    system = agency_system
    began = time.monotonic()
    rng = random.Random(97)

    good = simulated(date(2026, 9, 7), 30, 4242, GOOD_REGION, GOOD_COUNT)
    start, end = period(good)
    expected = expected_volumes(good)
    bases = simulated(date(2026, 9, 7), 30, 777, HOSTILE_REGION, 400, mediation_ids=[
        str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(40)])
    assert {kind for _, kind, _ in bases} == {k for kinds in AGENCY_EXCHANGES.values() for k in kinds}

    hostile = Hostile(20261124, bases)
    bad = list(hostile.messages(HOSTILE_COUNT))
    bad += [rng.choice(bad) for _ in range(200)]  # the very same bad messages again
    assert all(GOOD_REGION.encode() not in body for _, _, body, _ in bad)

    stream = [(x, key, body, ctype, "binary") for x, key, body, ctype in bad]
    for exchange, kind, ce in good:  # as an agency publishes (services/simulator.py publish)
        stream.insert(rng.randrange(0, len(stream) + 1), (exchange, kind, encode(ce), CLOUDEVENTS, "utf-8"))
    distinct = {(exchange, body) for exchange, _, body, _ in bad}

    before = {"dead_letters": queued(system, DEAD_LETTER_QUEUE) or 0, "metric": dead_letter_metric(system),
              "listed": {letter["id"] for letter in listed_dead_letters(system)}}

    with Connection(system.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=10) as conn:
        publish_all(conn, stream)
    published_in = time.monotonic() - began

    seen: dict = {}

    def settled():
        seen.update(metric=dead_letter_metric(system) - before["metric"],
                    dead_letters=(queued(system, DEAD_LETTER_QUEUE) or 0) - before["dead_letters"],
                    queued={q: queued(system, q) for q in inbound_queues(system)},
                    volumes=five_volumes(system, start, end, GOOD_REGION))
        return (seen["metric"] == len(bad) and seen["dead_letters"] == len(bad) + also_to_mediation(bad)
                and seen["volumes"] == expected
                and all(n == 0 for n in seen["queued"].values()))

    remaining = max(10.0, 170 - (time.monotonic() - began) - 15)
    wait_for(system, settled, remaining,
             f"{len(bad)} bad messages dead-lettered (published in {published_in:.0f}s) and {expected} counted", seen)
    assert intake_healthy(system)

    # Stable: nothing more is dead-lettered or counted afterwards.
    time.sleep(2)
    assert dead_letter_metric(system) - before["metric"] == len(bad)
    assert five_volumes(system, start, end, GOOD_REGION, attempts=10) == expected

    listed = [letter for letter in listed_dead_letters(system) if letter["id"] not in before["listed"]]
    assert len({letter["id"] for letter in listed}) == len(listed)
    assert len(listed) == len(distinct), (len(listed), len(distinct))
    assert Counter(letter["exchange"] for letter in listed) == Counter(exchange for exchange, _ in distinct)
    assert {letter["reason"] for letter in listed} <= set(REASONS), \
        {letter["reason"] for letter in listed} - set(REASONS)
    reasons = Counter(letter["reason"] for letter in listed)
    # The fuzz reached the refusals it aims at (unknown_exchange cannot come from a bound queue).
    assert set(reasons) >= {"unsupported_content_type", "too_large", "not_utf8", "too_deep", "not_json",
                            "not_an_object", "invalid_envelope", "unknown_type", "type_mismatch",
                            "invalid_data"}, reasons
    assert intake_healthy(system)
    assert time.monotonic() - began < 180


# -- 2. SIGKILL mid-stream -----------------------------------------------------------------------
KILL_REGION = "150623"
KILL_EVENTS = 2000
KILL_AFTER = 500


def test_intake_sigkilled_mid_stream_counts_every_agency_event_once(agency_system):
    system = agency_system
    began = time.monotonic()
    events = simulated(date(2026, 3, 2), 90, 20261123, KILL_REGION, KILL_EVENTS)
    assert len({(ce["source"], ce["id"]) for _, _, ce in events}) == KILL_EVENTS
    start, end = period(events)
    expected = expected_volumes(events)
    assert expected["petitions"] > 0 and expected["mediation"] > 0
    before = {"stored": stored_agency_events(system), "petitions": stored(system, "%Petition.Registered"),
              "dead_letters": queued(system, DEAD_LETTER_QUEUE) or 0,
              "recorded": stored(system, DEAD_LETTER_TOPIC)}

    published = [0]
    failure: list[BaseException] = []

    def progress():
        for item in events:
            yield item
            published[0] += 1  # the previous one was confirmed (publish waits for its confirm)

    def publisher():
        try:
            simulate(progress(), system.amqp_uri, confirm=True)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failure.append(exc)

    sender = threading.Thread(target=publisher, daemon=True)
    sender.start()
    system.wait_until(lambda: published[0] >= KILL_AFTER or failure, timeout=60, interval=0.005)
    assert not failure, failure
    system.launcher.kill("intake")  # SIGKILL: unacknowledged deliveries go back to the queues
    at_kill = {"published": published[0], "stored": stored_agency_events(system) - before["stored"]}
    time.sleep(0.5)
    system.launcher.start("intake")
    system.launcher.wait_healthy({"intake": system.ports["intake"]}, timeout=60)
    sender.join(timeout=90)
    assert not sender.is_alive(), "publishing 2,000 events took more than 90 s"
    assert not failure, failure
    assert published[0] == KILL_EVENTS
    # The kill came mid-stream: the agency was still publishing, intake had not recorded it all.
    assert at_kill["published"] < KILL_EVENTS and at_kill["stored"] < KILL_EVENTS, at_kill

    seen: dict = {}

    def settled():
        seen.update(stored=stored_agency_events(system) - before["stored"],
                    volumes=five_volumes(system, start, end, KILL_REGION),
                    queued={q: queued(system, q) for q in inbound_queues(system)})
        return (seen["stored"] == KILL_EVENTS and seen["volumes"] == expected
                and all(n == 0 for n in seen["queued"].values()))

    remaining = max(10.0, 170 - (time.monotonic() - began) - 10)
    wait_for(system, settled, remaining, f"{KILL_EVENTS} events recorded and {expected} counted", seen)
    time.sleep(3)  # stable: nothing arrives late and counts a second time
    assert stored_agency_events(system) - before["stored"] == KILL_EVENTS
    assert five_volumes(system, start, end, KILL_REGION, attempts=10) == expected
    # The petitions transferred from 12345 exist once each in intake, too.
    assert stored(system, "%Petition.Registered") - before["petitions"] == expected["petitions"]
    # No good event was dead-lettered, neither by intake nor by the broker's delivery limit.
    assert (queued(system, DEAD_LETTER_QUEUE) or 0) - before["dead_letters"] == 0
    assert stored(system, DEAD_LETTER_TOPIC) - before["recorded"] == 0
    assert time.monotonic() - began < 180
