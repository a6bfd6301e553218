"""The application key ring (rotation) and the vault's sealing (crypto-shredding), in memory."""
import pytest

from shared.keyring import KeyRing, KeyRingCipher, split_keys
from shared.settings import new_key
from shared.shredding import AesGcm, KeyErased, MemoryKeyStore, PersonalDataVault
from eventsourcing.utils import Environment


def test_the_ring_encrypts_with_the_current_key_and_opens_with_any():
    old, new = new_key(), new_key()
    before = KeyRing(old).encrypt(b"record")
    ring = KeyRing(new, [old])
    assert ring.decrypt_with_index(before) == (b"record", 1)
    assert ring.decrypt_with_index(ring.encrypt(b"record")) == (b"record", 0)
    with pytest.raises(ValueError, match="XINFANG_CIPHER_OLD_KEYS"):
        KeyRing(new).decrypt(before)


def test_the_cipher_eventsourcing_builds_reads_the_old_keys_from_its_environment():
    old, new = new_key(), new_key()
    cipher = KeyRingCipher(Environment("intake", {"CIPHER_KEY": new, "CIPHER_OLD_KEYS": f" {old} ,"}))
    assert cipher.decrypt(KeyRing(old).encrypt(b"x")) == b"x"
    assert split_keys(" a, ,b ") == ["a", "b"]


def test_a_sealed_value_opens_with_its_persons_key_and_not_once_it_is_erased():
    vault = PersonalDataVault(MemoryKeyStore())
    key = vault.key("ref-1", create=True)
    sealed = vault.seal(key, "张某某".encode())
    assert PersonalDataVault.is_sealed(sealed) and sealed["sealed"] == AesGcm.name
    assert "张某某".encode() not in repr(sealed).encode()
    assert vault.open(vault.key("ref-1"), sealed) == "张某某".encode()
    assert vault.erase("ref-1") and not vault.erase("ref-1")
    with pytest.raises(KeyErased):
        vault.open(vault.key("ref-1"), sealed)


def test_another_persons_key_does_not_open_it():
    vault = PersonalDataVault(MemoryKeyStore())
    sealed = vault.seal(vault.key("a", create=True), b"secret")
    with pytest.raises(ValueError):
        vault.open(vault.key("b", create=True), sealed)
