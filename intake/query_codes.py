"""Query codes (查询码): how a petitioner follows their petition without an account (A21).

A code is issued at registration, printed on the acceptance notice and shown once to whoever lodged
the petition online. It is the petitioner's only credential, so it is unguessable (60 random bits,
Crockford's base-32 alphabet, which has no I, L, O or U to misread) and it is kept only sealed with the
petitioner's own key; what finds the petition is a keyed digest of it (the index below), saved together
with the petition so that no code ever points nowhere.
"""
from __future__ import annotations

import secrets
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
GROUPS, GROUP_LENGTH = 3, 4  # XXXX-XXXX-XXXX: 12 characters × 5 bits
# What a petitioner may mistype for a letter that is not in the alphabet.
LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_query_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
    return "-".join(chars[i:i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normalize(code: str) -> str | None:
    """The code as issued, from what a person typed (any case, spaces or dashes, look-alike letters);
    None when it cannot be one."""
    chars = "".join(c for c in code.upper() if c not in " -").translate(LOOKALIKES)
    if len(chars) != GROUPS * GROUP_LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return "-".join(chars[i:i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


class QueryCodeIndex(Aggregate):
    """Which petition a query code opens, found by the code's keyed digest (never the code itself)."""

    @staticmethod
    def create_id(digest: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"xinfang:query-code:{digest}")

    @classmethod
    def issue(cls, digest: str, petition_id: UUID) -> QueryCodeIndex:
        return cls._create(cls.Issued, id=cls.create_id(digest), petition_id=petition_id)

    @event("Issued")
    def __init__(self, petition_id: UUID):
        self.petition_id = petition_id
