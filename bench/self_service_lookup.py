"""What a petitioner's look-up by query code costs, against a clerk's look-up of the same petition,
in one run on one system started for it.

  (a) baseline: GET /api/petitions/{id} with a clerk's token — one RPC to intake, the read recorded;
  (b) measured: GET /api/public/petitions/{code} without a token — intake opens the code (digest,
      index, petition, the read recorded as the petitioner's), dispatch adds the reply and what can
      still be done, the gateway puts them together.

Both over the same replied petitions, one client, sequentially; it prints p50/p99 of each and the
ratio b/a of the medians. The system is stopped and its database and vhost dropped at the end.

    .venv/bin/python bench/self_service_lookup.py [--petitions 20] [--rounds 10]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registration_throughput import (System, authorized_session, body, machine, ms, now,  # noqa: E402
                                     percentile, server_versions)

REPLY = {"outcome": "explain",
         "opinion": {"facts": "经查属实。", "claims": "请求支付工资。", "findings": "欠薪属实。", "result": "责令限期支付。",
                     "legal_basis": "《保障农民工工资支付条例》", "remedy": "可于30日内申请复查。"},
         "signatures": [{"role": "business_head", "name": "王某"}, {"role": "petition_head", "name": "李某"}]}


def replied_petitions(system: System, count: int) -> list[tuple[str, str]]:
    """(petition id, query code) of `count` petitions taken to a reply that has gone out."""
    session, found = authorized_session(), []
    for n in range(count):
        petition = session.post(system.url("/api/petitions"), json={k: v for k, v in body(n).items() if k != "received_at"}, timeout=30).json()
        session.post(system.url(f"/api/petitions/{petition['id']}/acceptance"),
                     json={"decision": "accepted", "reason": "依法受理"}, timeout=30).raise_for_status()
        found.append((petition["id"], petition["query_code"]))
    for petition_id, _ in found:
        deadline = time.time() + 30
        while not (assignment_id := session.get(system.url(f"/api/petitions/{petition_id}"), timeout=30).json()
                   ["assignment_id"]):
            if time.time() > deadline:
                raise RuntimeError(f"no assignment for {petition_id}")
            time.sleep(0.1)
        path = system.url(f"/api/assignments/{assignment_id}")
        unit = session.get(path, timeout=30).json()["unit"]
        session.post(path + "/sign", json={"unit": unit}, timeout=30).raise_for_status()
        session.post(path + "/reply", json=REPLY, timeout=30).raise_for_status()
        session.post(path + "/pre-review", json={"approved": True}, timeout=30).raise_for_status()
    return found


def timed(get, urls: list[str], rounds: int) -> list[float]:
    for url in urls[:3]:
        get(url, timeout=30).raise_for_status()  # warm-up: connections, prepared statements
    spent = []
    for _ in range(rounds):
        for url in urls:
            started = now()
            get(url, timeout=30).raise_for_status()
            spent.append(now() - started)
    return sorted(spent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--petitions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    system = System(Path(tempfile.mkdtemp(prefix="xinfang_bench_")))
    system.launcher.env["XINFANG_SELF_SERVICE_PER_MINUTE"] = "1000000"  # one address asking a lot
    try:
        system.start()
        print(f"machine: {machine()}; {server_versions()}")
        petitions = replied_petitions(system, args.petitions)
        time.sleep(2)  # the petitions' mirrors of the replies reach intake
        clerk = authorized_session()
        baseline = timed(clerk.get, [system.url(f"/api/petitions/{pid}") for pid, _ in petitions], args.rounds)
        public = timed(authorized_session().get, [system.url(f"/api/public/petitions/{code}") for _, code in petitions],
                       args.rounds)
        a, b = percentile(baseline, 0.5), percentile(public, 0.5)
        print(f"(a) clerk GET /api/petitions/{{id}}:          p50 {ms(a)}, p99 {ms(percentile(baseline, 0.99))} "
              f"({len(baseline)} requests)")
        print(f"(b) petitioner GET /api/public/petitions/{{code}}: p50 {ms(b)}, p99 {ms(percentile(public, 0.99))} "
              f"({len(public)} requests)")
        print(f"ratio b/a of the medians: {b / a:.2f}")
        return 0
    finally:
        system.stop()


if __name__ == "__main__":
    sys.exit(main())
