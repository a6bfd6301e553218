"""Operator commands over the bus:
`python -m services.admin rebuild-statistics | parked | replay-parked SERVICE SOURCE POSITION | tracking`,
and `erase-petitioner | erasures | reapply-erasures | rotate-cipher-key` (services.keys_admin).

`rebuild-statistics` empties reporting's read models and rebuilds them from every source's
notification log, showing a progress bar and the rate. The rebuild runs inside the reporting service
and records its position with every batch: interrupting this command (Ctrl-C) leaves it running, and
a rebuild cut short by a crash of the service goes on from where it was when the service starts
again. Running the command again while one is under way watches it instead of starting over
(`--from-zero` starts over).

`parked` lists, per service, the events its followers gave up on after repeated failures;
`replay-parked` processes one of them again, once, after its cause was fixed (reporting's replay is
`rebuild-statistics --from-zero`).
"""
import argparse
import json
import os
import sys
import time

import shared  # noqa: F401
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from services import keys_admin

BAR = 30


def progress_line(done: int, total: int, rate: float) -> str:
    share = min(1.0, done / total) if total else 1.0
    filled = int(share * BAR)
    eta = f"  about {int((total - done) / rate)} s left" if rate > 0 and done < total else ""
    return f"[{'#' * filled}{'.' * (BAR - filled)}] {share:6.1%}  {done:,}/{total:,} events  {rate:,.0f} events/s{eta}"


def rebuild_statistics(rpc, from_zero: bool, out=sys.stdout, interval: float = 0.5) -> dict:
    status = rpc.reporting.rebuild_progress()
    if status["rebuilding"] and not from_zero:
        print(f"A rebuild started at {status['started_at']} is under way: watching it.", file=out)
    else:
        status = rpc.reporting.rebuild()
    newest = {source: getattr(rpc, source).newest_position() for source in status["tracked"]}
    total = sum(newest.values())

    def done(tracked: dict) -> int:
        return sum(min(tracked[s], newest[s]) for s in newest)

    began, first, last_print = time.monotonic(), done(status["tracked"]), 0.0
    while True:
        status = rpc.reporting.rebuild_progress()
        now = time.monotonic()
        count = total if not status["rebuilding"] else done(status["tracked"])
        rate = (count - first) / (now - began) if now > began else 0.0
        if out.isatty():
            print("\r" + progress_line(count, total, rate), end="", file=out, flush=True)
        elif now - last_print >= 5 or not status["rebuilding"]:
            print(progress_line(count, total, rate), file=out, flush=True)
            last_print = now
        if not status["rebuilding"]:
            break
        time.sleep(interval)
    seconds = time.monotonic() - began
    if out.isatty():
        print(file=out)
    return {"rebuilt": True, "events": total - first, "seconds": round(seconds, 1),
            "events_per_second": round((total - first) / seconds) if seconds else None,
            "tracked": status["tracked"]}


# The services whose followers park events; all but reporting replay them one by one.
PARKING = ("intake", "dispatch", "mediation", "ownership", "supervision", "reporting")


def replay_parked(rpc, args) -> dict:
    if args.service not in PARKING[:-1]:
        raise SystemExit(f"replay-parked: SERVICE is one of {', '.join(PARKING[:-1])} "
                         "(reporting: rebuild-statistics --from-zero)")
    by = os.environ.get("XINFANG_OPERATOR") or os.environ.get("USER") or "operator"
    return getattr(rpc, args.service).replay_parked(args.source, args.position, f"operator:{by}")


COMMANDS = {
    "rebuild-statistics": lambda rpc, args: rebuild_statistics(rpc, args.from_zero),
    "tracking": lambda rpc, args: rpc.reporting.tracking(),
    "parked": lambda rpc, args: {service: getattr(rpc, service).parked_events() for service in PARKING},
    "replay-parked": replay_parked,
}


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in keys_admin.COMMANDS:  # personal data and keys: their own parser
        return keys_admin.main(sys.argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--from-zero", action="store_true",
                        help="rebuild-statistics: start over even when a rebuild is under way")
    parser.add_argument("service", nargs="?", help="replay-parked: the service that parked the event")
    parser.add_argument("source", nargs="?", help="replay-parked: the service the event came from")
    parser.add_argument("position", nargs="?", type=int, help="replay-parked: the event's position in its source")
    args = parser.parse_args()
    if args.command == "replay-parked" and args.position is None:
        parser.error("replay-parked needs SERVICE SOURCE POSITION (see `parked`)")
    config = {"AMQP_URI": os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")}
    with ClusterRpcProxy(config, timeout=60) as rpc:
        try:
            answer = COMMANDS[args.command](rpc, args)
        except RemoteError as exc:  # refused by the service (NotFound, Conflict): its own words
            raise SystemExit(f"{args.command}: {exc.value}") from None
        print(json.dumps(answer, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
