"""Who did it (经办人): every event records the user on whose behalf the command ran.

The user comes with the request; the service sets it around the command, and the base event class
reads it, so no command method has to pass it on (the eventsourcing wiki example's way). Events
caused by another service's event, or by a timer, are recorded as done by `SYSTEM`.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import field

from eventsourcing.domain import Aggregate

from shared.access import CURRENT, Principal, current_principal  # noqa: F401  (re-exported)
from shared.logs import current_correlation_id

SYSTEM = "system"
_actor: ContextVar[str] = ContextVar("actor", default=SYSTEM)


def current_actor() -> str:
    return _actor.get()


@contextmanager
def acting_as(actor: str | None, principal: Principal | None = None):
    token = _actor.set(actor or (principal.user if principal else SYSTEM))
    principal_token = CURRENT.set(principal)
    try:
        yield
    finally:
        CURRENT.reset(principal_token)
        _actor.reset(token)


class AuditedAggregate(Aggregate):
    class Event(Aggregate.Event):
        actor: str = field(default_factory=current_actor, init=False)
        # The request that caused it (shared.logs), published as the envelope's `correlationid`.
        correlation_id: str | None = field(default_factory=current_correlation_id, init=False)

    class Created(Event, Aggregate.Created):
        pass
