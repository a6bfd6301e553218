"""The application-wide cipher as a key ring, so `XINFANG_CIPHER_KEY` can be rotated on a running
system: the current key encrypts everything new; it and the old keys (`XINFANG_CIPHER_OLD_KEYS`,
comma-separated) decrypt. `rotate-cipher-key` (shared.rotation) rewrites what old keys encrypted,
after which they can be dropped (decision 0019).

The cipher under the ring is pluggable like eventsourcing's own (`KEYRING_CIPHER_TOPIC`, default
AES-GCM): an SM4 cipher with AESCipher's constructor can take its place.
"""
from __future__ import annotations

from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment, resolve_topic

DEFAULT_CIPHER = "eventsourcing.cipher:AESCipher"


def split_keys(value: str | None) -> list[str]:
    return [k.strip() for k in (value or "").split(",") if k.strip()]


class KeyRing:
    def __init__(self, current: str, old: list[str] | tuple[str, ...] = (), cipher_topic: str = DEFAULT_CIPHER):
        if not current:
            raise OSError("the key ring needs a current key (XINFANG_CIPHER_KEY)")
        cls = resolve_topic(cipher_topic or DEFAULT_CIPHER)
        self.current = cls(Environment(env={"CIPHER_KEY": current}))
        # The current key listed as old too is harmless: it is tried once, first.
        self.old = [cls(Environment(env={"CIPHER_KEY": k})) for k in old if k and k != current]

    def encrypt(self, plaintext: bytes) -> bytes:
        return self.current.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        plaintext, _ = self.decrypt_with_index(ciphertext)
        return plaintext

    def decrypt_with_index(self, ciphertext: bytes) -> tuple[bytes, int]:
        """The plaintext, and which key opened it: 0 the current one, 1… the old ones in order.
        AES-GCM authenticates, so a wrong key fails rather than giving garbage."""
        for index, cipher in enumerate([self.current, *self.old]):
            try:
                return cipher.decrypt(ciphertext), index
            except ValueError:
                continue
        raise ValueError("no key of the ring opens this ciphertext (is an old key missing "
                         "from XINFANG_CIPHER_OLD_KEYS?)")


class KeyRingCipher(Cipher):
    """eventsourcing's CIPHER_TOPIC for every service (shared.persistence.application_env)."""

    def __init__(self, environment: Environment):
        self.ring = KeyRing(environment.get("CIPHER_KEY") or "", split_keys(environment.get("CIPHER_OLD_KEYS")),
                            environment.get("KEYRING_CIPHER_TOPIC") or DEFAULT_CIPHER)

    def encrypt(self, plaintext: bytes) -> bytes:
        return self.ring.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        return self.ring.decrypt(ciphertext)
