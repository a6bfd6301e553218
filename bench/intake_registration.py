"""Intake's own cost of a registration, in process, against the raw save rate, in one run.

  (a) raw: eventsourcing on PostgreSQL saving one minimal aggregate per save (as
      registration_throughput.py's baseline);
  (b) intake: `IntakeApplication.register_described` — the repeat index read, the petition sealed with
      a new petitioner's own key (a key-table write), the petition, its index and its query code's
      index saved in one transaction — as the intake service does it, without RPC or HTTP.

It prints the time per operation of each and the ratio b/a, so the next change to the registration
path can be judged in place. A database of its own, dropped at the end.

    .venv/bin/python bench/intake_registration.py [--count 500]
"""
from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registration_throughput import baseline, body, drop_database, machine, server_versions  # noqa: E402

from intake.application import IntakeApplication  # noqa: E402
from shared.keystore import PostgresKeyStore  # noqa: E402
from shared.persistence import application_env, ensure_schema, key_ring  # noqa: E402
from shared.settings import Settings, new_key  # noqa: E402
from shared.shredding import PersonalDataVault  # noqa: E402


def petition(n: int) -> dict:
    """registration_throughput's petition, received now (the application takes a datetime)."""
    return {k: v for k, v in body(n).items() if k != "received_at"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    name = f"xinfang_bench_{uuid.uuid4().hex[:8]}"
    settings = Settings(postgres_dbname=name, cipher_key=new_key(), pseudonym_key=new_key())
    ensure_schema("intake", settings)
    app = IntakeApplication(application_env("intake", settings), pseudonym_key=settings.pseudonym_key_bytes(),
                            personal_data=PersonalDataVault(PostgresKeyStore(settings.postgres_conninfo(),
                                                                             key_ring(settings))))
    try:
        print(f"machine: {machine()}; {server_versions()}")
        raw = baseline(name, args.count)
        for n in range(50):  # warm-up: pool connections, prepared statements
            app.register_described(uuid.uuid4(), **petition(10**6 + n))
        started = time.perf_counter()
        for n in range(args.count):
            app.register_described(uuid.uuid4(), **petition(n))
        per_registration = (time.perf_counter() - started) / args.count
        print(f"(a) raw save:          {1000 / raw:.2f} ms per save ({raw:.0f}/s)")
        print(f"(b) intake registers:  {per_registration * 1000:.2f} ms per registration ({1 / per_registration:.0f}/s)")
        print(f"ratio b/a of the times: {per_registration * raw:.2f}")
        return 0
    finally:
        app.close()
        drop_database(name)


if __name__ == "__main__":
    sys.exit(main())
