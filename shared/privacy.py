"""Masking and pseudonyms for petitioners' personal data (PIPL Art. 28, 51).

Responses, read models and outbound events carry only masked values or a keyed pseudonym; the clear
values live only inside encrypted stored events.
"""
from __future__ import annotations

import hashlib
import hmac
import re

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def id_number_is_valid(value: str) -> bool:
    """GB 11643 citizen identity number with its ISO 7064 MOD 11-2 check character."""
    value = value.upper()
    if not ID_NUMBER.match(value):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11] == value[17]


def mask_id_number(value: str | None) -> str | None:
    """3713**********1234: region of issue kept for routing checks, birth date hidden."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) < 8:  # a short number: any digit shown gives most of it away
        return "*" * len(value)
    if len(value) < 11:  # a landline: its first digits would name the exchange and most of the line
        return "*" * (len(value) - 4) + value[-4:]
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """张** — the surname only, as petition bureaus publish in notices."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)


def pseudonym(key: bytes, *parts: str) -> str:
    """A stable, keyed, non-reversible reference to a person, for counting persons (人次) and
    finding repeat petitions without keeping who they are."""
    message = "\x1f".join(p.strip().upper() for p in parts).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


ID_IN_TEXT = re.compile(r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)")
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_in_text(text: str) -> str:
    """Free text shown to operators (a refused message's body) with ID numbers and mobile numbers
    masked wherever they stand."""
    text = ID_IN_TEXT.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3)[-4:], text)
    return MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)


ID_IN_BYTES = re.compile(rb"(?<![0-9])([0-9]{4})[0-9]{10}([0-9]{3}[0-9Xx])(?![0-9])")
MOBILE_IN_BYTES = re.compile(rb"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask_in_bytes(body: bytes) -> bytes:
    """A refused message's bytes with ID numbers and mobiles masked, whatever its encoding (the digits
    are ASCII in every encoding a sender may use), and the same length: what the broker's dead-letter
    queue and a dead letter's stored copy keep (decision 0023)."""
    body = ID_IN_BYTES.sub(lambda m: m.group(1) + b"*" * 10 + m.group(2), body)
    return MOBILE_IN_BYTES.sub(lambda m: m.group(1) + b"****" + m.group(2), body)
