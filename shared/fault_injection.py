"""Fault injection for the fault-injection tests (tests/faults): a consumer that raises on one
specific event, as a handler with a bug does on the one message that triggers it.

Off unless `XINFANG_FAULT_POISON` is set, which only the tests do. Its value names the follower and
the event: `<service>/<source>/<event type>/<data field>=<value>`, e.g.
`dispatch/intake/petition.acceptance_decided/region_code=150623101299`. That follower's processor
then raises `InjectedFault` for every matching event, alone or within a batch: what the follower
does with a poison event (retry, park after bounded attempts, move on) is then observable on a
real system, without a bug having to be planted in the domain code.
"""
from __future__ import annotations

import os


class InjectedFault(RuntimeError):
    pass


def poison_rule(service: str, source: str, spec: str | None = None):
    """(event type, field, value) when the spec names this follower, else None."""
    spec = os.environ.get("XINFANG_FAULT_POISON", "") if spec is None else spec
    if not spec:
        return None
    target_service, target_source, event_type, condition = spec.split("/", 3)
    field, _, value = condition.partition("=")
    if (target_service, target_source) != (service, source):
        return None
    return event_type, field, value


class PoisonedProcessor:
    """The follower's processor, except that it raises on the poison event."""

    def __init__(self, processor, rule: tuple[str, str, str]):
        self._processor, self._rule = processor, rule
        if hasattr(processor, "process_batch"):  # the follower batches only where the processor can
            self.process_batch = self._process_batch

    def _is_poison(self, envelope: dict) -> bool:
        event_type, field, value = self._rule
        return envelope.get("type") == event_type and str((envelope.get("data") or {}).get(field)) == value

    def process(self, source: str, envelope: dict) -> bool:
        if self._is_poison(envelope):
            raise InjectedFault(f"injected fault on {envelope['type']} #{envelope['position']}")
        return self._processor.process(source, envelope)

    def _process_batch(self, source: str, envelopes: list[dict]) -> bool:
        if any(self._is_poison(e) for e in envelopes):
            raise InjectedFault("injected fault in a batch")
        return self._processor.process_batch(source, envelopes)

    def __getattr__(self, name):  # tracked_position, record_position, park, …
        return getattr(self._processor, name)


def with_faults(service: str, source: str, processor):
    """The processor itself, or wrapped when XINFANG_FAULT_POISON names this follower."""
    rule = poison_rule(service, source)
    return processor if rule is None else PoisonedProcessor(processor, rule)
