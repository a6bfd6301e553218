"""The seeded workload every fault scenario pushes through the system, and its ledger.

Two streams at once, as in production: clerks registering and accepting petitions over HTTP (as
tests/e2e/test_replicas_killed.py does), and agencies publishing 12345, 110 and court traffic onto
the bus (services.simulator, seeded, as tests/e2e/test_agency_faults.py does). Both retry as real
clients do while something is down — a registration with its Idempotency-Key, so that a retry whose
first attempt was committed registers once; an agency event until the broker confirms it — and the
ledger keeps what was acknowledged: each 2xx answer, each publisher confirm. Those are what the
checks require to be in the event stores, once.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import requests
from kombu import Connection, Exchange

from services.simulator import CONTENT_TYPE, generate
from tests.recompute import BEIJING
from tests.support import CATEGORIES, id_number

CHANNELS = ("visit", "letter", "online", "phone")
RETRYABLE = {502, 503, 504}


@dataclass
class Ledger:
    """What the system acknowledged to its clients."""
    registered: dict[int, str] = field(default_factory=dict)  # petition number -> id, answered 201
    accepted: set[str] = field(default_factory=set)  # petition ids whose acceptance was answered 2xx
    published: list[dict] = field(default_factory=list)  # agency CloudEvents the broker confirmed
    retries: int = 0  # requests or publishes tried again after a failure
    failures: list = field(default_factory=list)  # answers that were neither 2xx nor retryable
    lock: threading.Lock = field(default_factory=threading.Lock)

    def merge(self, other: Ledger) -> None:
        self.registered.update(other.registered)
        self.accepted |= other.accepted
        self.published += other.published
        self.retries += other.retries
        self.failures += other.failures


def petition_body(n: int, region: str, received: datetime) -> dict:
    """Petition n: every petitioner a different person (a repeat would be refused acceptance)."""
    return {"channel": CHANNELS[n % len(CHANNELS)], "region_code": region, "category": CATEGORIES[n % len(CATEGORIES)],
            "petitioner": {"name": f"故障某{n}", "id_number": id_number(f"{region[:6]}197{n // 1000 % 10}0{1 + n % 9}"
                                                                         f"{10 + n % 18}{n % 1000:03d}"),
                           "phone": f"136{n:08d}"},
            "subject": f"故障注入测试事项{n}", "content": f"故障注入测试事项{n}：请求依法处理。",
            "received_at": received.isoformat()}


class Workload:
    """`numbers` petitions in `region` (HTTP, by `clerks` threads) and the simulator's agency
    traffic of `agency_days` days in `region` (the bus), started together; `progress()` tells how
    far they got, `join()` waits for both."""

    def __init__(self, system, numbers: range, region: str, seed: int, agency_events: int = 40,
                 clerks: int = 3, deadline: float = 150, regions: dict[int, str] | None = None):
        self.system, self.numbers, self.region, self.seed = system, numbers, region, seed
        self.regions = regions or {}  # petitions from elsewhere than `region`
        self.ledger = Ledger()
        self.deadline = time.monotonic() + deadline
        today = datetime.now(BEIJING).date()
        self.first_day = today - timedelta(days=40)  # inside the statistics' current four months
        self.agency = self._agency_events(agency_events, today)
        self.threads = [threading.Thread(target=self._clerk, args=(numbers[k::clerks],), daemon=True)
                        for k in range(clerks)]
        self.threads.append(threading.Thread(target=self._agency_publisher, daemon=True))
        self.done_http = 0

    def _agency_events(self, count: int, today: date) -> list:
        events = []
        for item in generate(self.first_day, today - timedelta(days=1), self.seed, [self.region]):
            events.append(item)
            if len(events) == count:
                break
        return events

    def start(self) -> Workload:
        for thread in self.threads:
            thread.start()
        return self

    def progress(self) -> float:
        """The share of petitions answered (registered and accepted, or given up)."""
        return self.done_http / max(1, len(self.numbers))

    def join(self) -> Ledger:
        for thread in self.threads:
            thread.join(timeout=max(1.0, self.deadline - time.monotonic() + 30))
        assert not any(t.is_alive() for t in self.threads), "the workload did not finish"
        return self.ledger

    # -- HTTP: clerks ------------------------------------------------------------------------
    def _request(self, session, method: str, path: str, **kwargs):
        """The answer once it is not a failure a client retries (503: a service is away; 502/504 or no
        connection: the gateway is away); None at the deadline."""
        while time.monotonic() < self.deadline:
            try:
                answer = session.request(method, self.system.url(path), timeout=30, **kwargs)
                # A broker or database the system cannot reach is a 503 (retried); a 500 is a defect,
                # returned to the scenario, which then fails on it.
                if answer.status_code not in RETRYABLE:
                    return answer
            except requests.RequestException:
                pass
            with self.ledger.lock:
                self.ledger.retries += 1
            time.sleep(0.5)
        return None

    def _clerk(self, numbers) -> None:
        session = self.system.session(role="clerk")
        for n in numbers:
            try:
                self._one_petition(session, n)
            finally:
                self.done_http += 1

    def _one_petition(self, session, n: int) -> None:
        received = datetime.combine(self.first_day + timedelta(days=n % 30), datetime.min.time(), BEIJING) \
            + timedelta(hours=9, minutes=n % 60)
        answer = self._request(session, "POST", "/api/petitions", json=petition_body(n, self.regions.get(n, self.region), received),
                               headers={"Idempotency-Key": f"faults-{self.seed}-{n}"})
        if answer is None or answer.status_code not in (200, 201):
            self.ledger.failures.append((n, "register", getattr(answer, "status_code", None),
                                         getattr(answer, "text", "")[:200]))
            return
        petition_id = answer.json()["id"]
        with self.ledger.lock:
            self.ledger.registered[n] = petition_id
        answer = self._request(session, "POST", f"/api/petitions/{petition_id}/acceptance",
                               json={"decision": "accepted", "reason": "依法受理"})
        if answer is not None and answer.status_code in (200, 201):
            with self.ledger.lock:
                self.ledger.accepted.add(petition_id)
        elif answer is None or answer.status_code != 409:  # 409 after a retry: the first try got through
            self.ledger.failures.append((n, "accept", getattr(answer, "status_code", None),
                                         getattr(answer, "text", "")[:200]))

    # -- the bus: agencies ---------------------------------------------------------------------
    def _agency_publisher(self) -> None:
        """Each event until the broker confirms it, as an agency's outbox does: a publish that failed
        (broker away) is sent again on a new connection, so the same event may arrive twice."""
        pending = list(self.agency)
        while pending and time.monotonic() < self.deadline:
            try:
                with Connection(self.system.amqp_uri, transport_options={"confirm_publish": True},
                                connect_timeout=5) as connection:
                    producer = connection.Producer()
                    while pending:
                        name, routing_key, event = pending[0]
                        exchange = Exchange(name, type="topic", durable=True)
                        # as services.simulator.publish sends it, one confirm at a time
                        producer.publish(json.dumps(event, ensure_ascii=False).encode("utf-8"), exchange=exchange,
                                         declare=[exchange], routing_key=routing_key, serializer=None,
                                         content_type=CONTENT_TYPE, content_encoding="utf-8", delivery_mode=2,
                                         message_id=event["id"], retry=False)
                        with self.ledger.lock:
                            self.ledger.published.append(event)
                        pending.pop(0)
                        time.sleep(0.02)  # spread over the scenario, so that the fault meets it mid-stream
            except Exception:
                with self.ledger.lock:
                    self.ledger.retries += 1
                time.sleep(0.5)
