"""Field-level encryption of personal data inside stored events and snapshots (crypto-shredding).

A `SealingMapper` seals the personal fields of the events (and aggregate snapshots) a context names
with the person's own data key before the event is transcoded, compressed and encrypted with the
application's key; it opens them when the event is read. Once the person's key is erased, each
sealed field reads as its erased value instead: loading never fails for an erased person, and the
rules work on as before. Fields stored before sealing existed (plain values) read as stored.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from eventsourcing.domain import CanSnapshotAggregate
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from shared.shredding import KeyErased, PersonalDataVault


@dataclass(frozen=True)
class SealRule:
    """`ref`: the field naming the person (their pseudonym, which finds their key); `fields`: each
    personal field and what it reads as once erased; `each`: list fields sealed item by item, so
    their length (how many representatives) stays readable without the key."""

    ref: str
    fields: dict[str, object]
    each: tuple[str, ...] = field(default=())


class SealingMapper(Mapper):
    def __init__(self, mapper: Mapper, vault: PersonalDataVault, rules: dict[type, SealRule], opens: bool = True):
        super().__init__(mapper.transcoder, mapper.compressor, mapper.cipher)
        self.vault = vault
        self.rules = {get_topic(cls): rule for cls, rule in rules.items()}
        self.opens = opens

    def published(self) -> SealingMapper:
        """A mapper that leaves sealed fields sealed, for the feed: published events never carry
        personal data, so the relay and rebuilds need no key look-ups."""
        published = copy.copy(self)
        published.opens = False
        return published

    # -- writing --------------------------------------------------------------------------------
    def to_stored_event(self, domain_event) -> StoredEvent:
        state = dict(vars(domain_event))
        rule = self.rules.get(get_topic(type(domain_event)))
        if rule:
            self._seal(rule, state)
        elif isinstance(domain_event, CanSnapshotAggregate) and self.rules.get(domain_event.topic):
            state["state"] = dict(state["state"])
            self._seal(self.rules[domain_event.topic], state["state"])
        else:
            return super().to_stored_event(domain_event)
        sealed = object.__new__(type(domain_event))  # a copy: the aggregate keeps the clear values
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def _seal(self, rule: SealRule, state: dict) -> None:
        key = None
        for name, erased in rule.fields.items():
            items = self._items(rule, name, state)
            for i, item in enumerate(items):
                if item is None or item == erased or PersonalDataVault.is_sealed(item):
                    continue  # nothing personal to seal (an erased value is a marker, not data)
                if key is None:
                    ref = state.get(rule.ref)
                    if not ref:
                        raise ValueError(f"cannot seal {name}: the event names no person ({rule.ref})")
                    key = self.vault.key(ref, create=True)
                items[i] = self.vault.seal(key, self.transcoder.encode(item))
            self._put(rule, name, state, items)

    # -- reading --------------------------------------------------------------------------------
    def to_domain_event(self, stored_event: StoredEvent):
        domain_event = super().to_domain_event(stored_event)
        if not self.opens:
            return domain_event
        state = vars(domain_event)  # the event was just built from the record: its own dict
        rule = self.rules.get(stored_event.topic)
        if rule:
            self._open(rule, state)
        elif isinstance(domain_event, CanSnapshotAggregate) and self.rules.get(state.get("topic")):
            self._open(self.rules[state["topic"]], state["state"])
        return domain_event

    def _open(self, rule: SealRule, state: dict) -> None:
        looked_up, key = False, None
        for name, erased in rule.fields.items():
            items = self._items(rule, name, state)
            for i, item in enumerate(items):
                if not PersonalDataVault.is_sealed(item):
                    continue  # stored before sealing existed, or nothing there
                if not looked_up:
                    key, looked_up = self.vault.key(state.get(rule.ref) or ""), True
                try:
                    items[i] = self.transcoder.decode(self.vault.open(key, item))
                except KeyErased:
                    items[i] = copy.deepcopy(erased)
            self._put(rule, name, state, items)

    @staticmethod
    def _items(rule: SealRule, name: str, state: dict) -> list:
        value = state.get(name)
        if name in rule.each:
            return list(value or [])
        return [value] if name in state else []

    @staticmethod
    def _put(rule: SealRule, name: str, state: dict, items: list) -> None:
        if name in rule.each:
            if state.get(name) is not None:
                state[name] = items
        elif items:
            state[name] = items[0]
