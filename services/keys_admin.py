"""Operator commands for personal data and keys (decision 0019), run through `services.admin`:

  erase-petitioner PETITION_ID | --pseudonym REF [--ground GROUND]
      erases the person who lodged the petition (or whom the pseudonym names) from all their
      petitions: their data key is deleted, the erasure recorded with the operator's name
      (XINFANG_OPERATOR, default $USER) and the time.
  erasures              every erasure recorded: pseudonym, petition, ground, by whom, when
  reapply-erasures      after the key table was restored from a backup: deletes again the keys
                        recorded erasures deleted
  rotate-cipher-key     re-encrypts every stored event, snapshot and wrapped data key with
                        XINFANG_CIPHER_KEY (the old keys in XINFANG_CIPHER_OLD_KEYS); resumable

The first three ask intake over the bus; rotate-cipher-key works on the database itself.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from intake.erasure import GROUNDS

COMMANDS = ("erase-petitioner", "erasures", "reapply-erasures", "rotate-cipher-key")


def operator() -> str:
    return "operator:" + (os.environ.get("XINFANG_OPERATOR") or os.environ.get("USER") or "unknown")


def over_the_bus(args) -> dict | list:
    from nameko.exceptions import RemoteError
    from nameko.standalone.rpc import ClusterRpcProxy

    config = {"AMQP_URI": os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/")}
    with ClusterRpcProxy(config, timeout=60) as rpc:
        try:
            if args.command == "erase-petitioner":
                return rpc.intake.erase_petitioner(args.petition_id, args.pseudonym, args.ground, actor=operator())
            if args.command == "erasures":
                return rpc.intake.erasures(args.after, args.limit)
            return rpc.intake.reapply_erasures(actor=operator())
        except RemoteError as exc:  # refused by intake (no such petition, unknown ground): its words
            raise SystemExit(f"{args.command}: {exc.value}") from None


def rotate_cipher_key() -> dict:
    from shared.persistence import key_ring
    from shared.rotation import rotate
    from shared.settings import Settings

    settings = Settings()

    def progress(table: str, counts: dict) -> None:
        print(f"{table}: {counts['rows']:,} read, {counts['rewritten']:,} re-encrypted", file=sys.stderr, flush=True)

    return rotate(settings.postgres_conninfo(), key_ring(settings), progress=progress)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="services.admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("petition_id", nargs="?", help="erase-petitioner: a petition the person lodged")
    parser.add_argument("--pseudonym", help="erase-petitioner: the person's pseudonym (petitioner_ref) instead")
    parser.add_argument("--ground", default="request", choices=GROUNDS, help="erase-petitioner: PIPL Art. 47 ground")
    parser.add_argument("--after", type=int, default=0, help="erasures: list those after this position")
    parser.add_argument("--limit", type=int, default=100, help="erasures: how many")
    args = parser.parse_args(argv)
    if args.command == "erase-petitioner" and not (args.petition_id or args.pseudonym):
        parser.error("erase-petitioner needs PETITION_ID or --pseudonym REF")
    if args.command == "rotate-cipher-key":
        answer = rotate_cipher_key()
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        if answer["old_keys_still_needed"]:
            raise SystemExit("some records open with no key of the ring: keep the old keys, find the missing one")
        return
    print(json.dumps(over_the_bus(args), ensure_ascii=False, indent=2))
