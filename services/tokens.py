"""Operator command for access tokens: `python -m services.tokens issue|list|revoke` (`./run token …`).

    issue --role ROLE --user USER [--unit UNIT] [--label TEXT] [--days N] [--out FILE]
    list
    revoke TOKEN_ID

The clear token is printed (or written to --out, readable by its owner only) once and never stored:
the database keeps its SHA-256. Roles: clerk, unit_handler (needs --unit), leader, supervisor,
analyst, administrator, agency, inspector.
"""
import argparse
import getpass
import os
import sys
from datetime import UTC, datetime, timedelta

from shared.access import TOKEN_ROLES, Principal, Role
from shared.persistence import ensure_database
from shared.reference import load_reference
from shared.settings import Settings
from shared.tokens import TokenStore


def store() -> TokenStore:
    settings = Settings()
    ensure_database(settings)
    tokens = TokenStore(settings.postgres_conninfo())
    tokens.create_schema()
    return tokens


def issue(args) -> int:
    try:
        principal = Principal(args.user, Role(args.role), args.unit)
    except ValueError as exc:
        print(f"cannot issue: {exc}", file=sys.stderr)
        return 2
    units = {u["id"] for u in load_reference(Settings().reference_dir or None).units}
    if principal.unit and principal.unit not in units:
        print(f"cannot issue: {principal.unit} is not a unit of the reference data", file=sys.stderr)
        return 2
    expires = datetime.now(UTC) + timedelta(days=args.days) if args.days else None
    issued = store().issue(principal, issued_by=os.environ.get("SUDO_USER") or getpass.getuser(),
                           label=args.label, expires_at=expires)
    if args.out:
        with open(os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(issued.token + "\n")
        print(f"token {issued.id} for {principal.user} ({principal.role}) written to {args.out}")
    else:
        print(issued.token)
        print(f"token {issued.id} for {principal.user} ({principal.role}); shown once, keep it safe", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="token", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    issuing = commands.add_parser("issue")
    issuing.add_argument("--role", required=True, choices=sorted(str(r) for r in TOKEN_ROLES))
    issuing.add_argument("--user", required=True)
    issuing.add_argument("--unit")
    issuing.add_argument("--label", default="")
    issuing.add_argument("--days", type=int, default=0, help="valid for this many days (0: until revoked)")
    issuing.add_argument("--out", help="write the token to this file (mode 600) instead of printing it")
    commands.add_parser("list")
    revoking = commands.add_parser("revoke")
    revoking.add_argument("token_id")
    args = parser.parse_args(argv)
    if args.command == "issue":
        return issue(args)
    if args.command == "revoke":
        done = store().revoke(args.token_id)
        print("revoked" if done else "no such token, or revoked already")
        return 0 if done else 1
    for row in store().listing():
        state = "revoked" if row["revoked_at"] else "expired" if row["expires_at"] and row["expires_at"] < datetime.now(
            UTC) else "active"
        print(f"{row['id']}  {state:8} {row['role']:14} {row['user_id']:24} {row['unit'] or '':12} {row['label']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
