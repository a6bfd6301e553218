"""Crypto-shredding (PIPL Art. 47): each petitioner's personal fields are encrypted with a data key
of their own, kept outside the event store; deleting the key erases the person from every stored
event and every backup of the event store, which can't be edited (decision 0019).

This module is pure: the key store and the cipher are injected, so the rules and the unit tests
never need a database. `shared.keystore` is the PostgreSQL key store.
"""
from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from typing import Protocol

# What an erased field reads as, wherever it is shown (petition, notices, snapshots).
ERASED_TEXT = "（已删除）"


class FieldCipher(Protocol):
    """Authenticated encryption with a given key. `name` is stored beside each ciphertext, so a
    national-algorithm cipher (SM4-GCM, GB/T 39786) can replace AES-GCM for new data while
    older data still opens with the cipher that sealed it."""

    name: str

    def encrypt(self, key: bytes, plaintext: bytes) -> bytes: ...

    def decrypt(self, key: bytes, ciphertext: bytes) -> bytes: ...


class AesGcm:
    name = "aes-256-gcm"

    def encrypt(self, key: bytes, plaintext: bytes) -> bytes:
        from Crypto.Cipher import AES

        nonce = os.urandom(12)
        encrypted, tag = AES.new(key, AES.MODE_GCM, nonce).encrypt_and_digest(plaintext)
        return nonce + tag + encrypted

    def decrypt(self, key: bytes, ciphertext: bytes) -> bytes:
        from Crypto.Cipher import AES

        nonce, tag, encrypted = ciphertext[:12], ciphertext[12:28], ciphertext[28:]
        return AES.new(key, AES.MODE_GCM, nonce).decrypt_and_verify(encrypted, tag)


def new_data_key() -> bytes:
    return os.urandom(32)


class KeyStore(Protocol):
    """Per-petitioner data keys, found by the petitioner's pseudonym (`shared.privacy.pseudonym`),
    so every petition of one person shares one key."""

    def key(self, ref: str, create: bool = False) -> bytes | None:
        """The person's key; a new one when there is none and `create`; None once erased."""

    def erase(self, ref: str, created_before: datetime | None = None) -> bool:
        """Deletes the person's key for good; False when there was none (erased already).
        `created_before`: only a key older than that (re-applying an erasure after a restore
        leaves the key of a petition registered after the erasure alone)."""


class MemoryKeyStore:
    """For unit tests and single-process demos."""

    def __init__(self):
        self.keys: dict[str, tuple[bytes, datetime]] = {}

    def key(self, ref: str, create: bool = False) -> bytes | None:
        if ref not in self.keys and create:
            self.keys[ref] = (new_data_key(), datetime.now(UTC))
        return self.keys[ref][0] if ref in self.keys else None

    def erase(self, ref: str, created_before: datetime | None = None) -> bool:
        if ref in self.keys and (created_before is None or self.keys[ref][1] < created_before):
            del self.keys[ref]
            return True
        return False


class KeyErased(Exception):
    """The person's key is gone: what it sealed reads as erased."""


class PersonalDataVault:
    """Seals and opens byte strings with a petitioner's key. A sealed value is a small dict that
    names its cipher; the person it belongs to is named by the event that carries it."""

    MARK = "sealed"

    def __init__(self, keys: KeyStore, ciphers: tuple[FieldCipher, ...] = (AesGcm(),)):
        self.keys = keys
        self.cipher = ciphers[0]  # new data; the others still open what they sealed before
        self.ciphers = {c.name: c for c in ciphers}

    def key(self, ref: str, create: bool = False) -> bytes | None:
        return self.keys.key(ref, create)

    def seal(self, key: bytes, plaintext: bytes) -> dict:
        return {self.MARK: self.cipher.name,
                "data": base64.b64encode(self.cipher.encrypt(key, plaintext)).decode("ascii")}

    def open(self, key: bytes | None, sealed: dict) -> bytes:
        if key is None:
            raise KeyErased()
        return self.ciphers[sealed[self.MARK]].decrypt(key, base64.b64decode(sealed["data"]))

    @classmethod
    def is_sealed(cls, value) -> bool:
        return isinstance(value, dict) and cls.MARK in value and "data" in value

    def erase(self, ref: str, created_before: datetime | None = None) -> bool:
        return self.keys.erase(ref, created_before)

    def close(self) -> None:
        close = getattr(self.keys, "close", None)
        if close:
            close()
