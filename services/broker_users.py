"""RabbitMQ users for the other agencies' systems (12345, 110, the court): each may only publish to
its own exchange `<agency>.events` (CONTRACTS.md §1) — no declaring, no binding, no consuming.

RabbitMQ checks `write` on the exchange for basic.publish and nothing for a passive declare; every
other operation needs `configure` or `read`, which match nothing here ("^$"). The user carries no
tag, so it cannot log into the management UI or API either. Decision 0021.

    python -m services.broker_users    # `./run up`: the users of AMQP_URI's virtual host, with the
                                       # passwords of .run/secrets.env (XINFANG_AGENCY_PASSWORD_<AGENCY>)
"""
from __future__ import annotations

import os
import re
import secrets
import sys
from urllib.parse import quote, unquote, urlsplit

import requests

from shared.contracts.agency import AGENCY_BY_EXCHANGE

AGENCIES = tuple(AGENCY_BY_EXCHANGE.values())  # hotline12345, police110, court
NOTHING = "^$"


def user_name(agency: str, vhost: str) -> str:
    """One user per agency per virtual host: plain `hotline12345` on the default one, and
    `<vhost>.hotline12345` elsewhere (a test's own virtual host), since users are broker-wide."""
    return agency if vhost == "/" else f"{vhost}.{agency}"


def password_variable(agency: str) -> str:
    return f"XINFANG_AGENCY_PASSWORD_{agency.upper()}"


def permissions(agency: str) -> dict:
    return {"configure": NOTHING, "write": f"^{re.escape(agency)}\\.events$", "read": NOTHING}


def create_agency_users(api_url: str, vhost: str, passwords: dict[str, str] | None = None,
                        timeout: float = 10) -> dict[str, dict[str, str]]:
    """Creates (or updates) each agency's user on the broker whose management API is `api_url`
    (e.g. http://guest:guest@127.0.0.1:15672/api) with its permissions on `vhost`; returns
    {agency: {"user", "password"}}. A password not given is generated."""
    passwords = passwords or {}
    api = api_url.rstrip("/")
    created = {}
    for agency in AGENCIES:
        user = user_name(agency, vhost)
        password = passwords.get(agency) or secrets.token_urlsafe(24)
        requests.put(f"{api}/users/{quote(user, safe='')}", json={"password": password, "tags": ""},
                     timeout=timeout).raise_for_status()
        requests.put(f"{api}/permissions/{quote(vhost, safe='')}/{quote(user, safe='')}", json=permissions(agency),
                     timeout=timeout).raise_for_status()
        created[agency] = {"user": user, "password": password}
    return created


def remove_agency_users(api_url: str, vhost: str, timeout: float = 10) -> None:
    """Deletes the agency users of `vhost` (a test system's, when its virtual host goes)."""
    for agency in AGENCIES:
        answer = requests.delete(f"{api_url.rstrip('/')}/users/{quote(user_name(agency, vhost), safe='')}",
                                 timeout=timeout)
        if answer.status_code != 404:
            answer.raise_for_status()


def vhost_of(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def main() -> int:
    api = os.environ.get("RABBIT_API", "http://guest:guest@127.0.0.1:15672/api")
    vhost = vhost_of(os.environ.get("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"))
    missing = [password_variable(a) for a in AGENCIES if not os.environ.get(password_variable(a))]
    if missing:
        print(f"missing {', '.join(missing)} (./run up writes them into .run/secrets.env)", file=sys.stderr)
        return 1
    users = create_agency_users(api, vhost, {a: os.environ[password_variable(a)] for a in AGENCIES})
    print("agency users on", vhost, ":", ", ".join(u["user"] for u in users.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
