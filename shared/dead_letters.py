"""Messages from other systems that could not be accepted, kept with the reason for operators.

An operator lists them and, once the sender has fixed what was wrong, re-submits one: it is then
processed as if it had just arrived, and the dead letter is marked resolved.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import RecordConflictError

from shared.errors import Conflict, InvalidCommand, NotFound, Rejected
from shared.privacy import mask_in_bytes

KEPT_BODY_BYTES = 64 * 1024  # the broker's dead-letter queue keeps the whole body


class AlreadyResolved(Conflict):
    pass


class DeadLetterNotFound(NotFound):
    pass


def dead_letter_id(exchange: str, body: bytes) -> UUID:
    """The same bad message delivered twice is one dead letter."""
    return uuid5(NAMESPACE_URL, f"xinfang:dead-letter:{exchange}:{hashlib.sha256(body).hexdigest()}")


class DeadLetter(Aggregate):
    """`body`: the refused message with ID numbers and mobiles masked (mask_in_bytes), never clear.
    `original`: the clear text, kept only where the application seals it with a key of the letter's
    own (`data_ref`, intake's vault) so that it can be resubmitted; None elsewhere (decision 0023)."""

    @event("Recorded")
    def __init__(self, exchange: str, routing_key: str, content_type: str | None, reason: str,
                 errors: dict, body: str, body_bytes: int, sha256: str, original: str | None = None,
                 data_ref: str | None = None):
        self.exchange, self.routing_key, self.content_type = exchange, routing_key, content_type
        self.reason, self.errors = reason, errors
        self.body, self.body_bytes, self.sha256 = body, body_bytes, sha256
        self.original, self.data_ref = original, data_ref
        self.resolved = False

    @classmethod
    def record(cls, exchange: str, routing_key: str, content_type: str | None, body: bytes,
               reason: str, errors: dict, sealed: bool = False) -> DeadLetter:
        letter_id = dead_letter_id(exchange, body)
        kept = body[:KEPT_BODY_BYTES]
        masked = mask_in_bytes(kept)
        original = kept.decode("utf-8", "replace") if sealed and masked != kept else None
        return cls._create(cls.Recorded, id=letter_id, exchange=exchange,
                           routing_key=routing_key, content_type=content_type, reason=reason,
                           errors=errors, body=masked.decode("utf-8", "replace"),
                           body_bytes=len(body), sha256=hashlib.sha256(body).hexdigest(), original=original,
                           data_ref=f"dead-letter:{letter_id}" if original is not None else None)

    @property
    def complete_body(self) -> bytes | None:
        """The original bytes, when they were kept whole and were text: the sealed original, or the
        masked copy where masking changed nothing. None once the original is shredded, or where it
        was not kept (a body with ID numbers or mobiles at a service without a vault)."""
        text = getattr(self, "original", None)
        raw = (text if isinstance(text, str) else self.body).encode("utf-8")
        return raw if len(raw) == self.body_bytes and hashlib.sha256(raw).hexdigest() == self.sha256 else None

    def resolve(self, by: str) -> None:
        if self.resolved:
            raise AlreadyResolved("this dead letter has already been re-submitted successfully")
        self._resolved(by=by)

    @event("Resolved")
    def _resolved(self, by: str) -> None:
        self.resolved = True


class KeepsDeadLetters:
    """Mixed into an Application that consumes other systems' messages. `receive_inbound(sender,
    event)` is the application's own handling of a validated message."""

    # True where the application seals dead letters' originals (intake/personal.py): then a letter
    # whose body carried ID numbers or mobiles can still be resubmitted.
    seals_dead_letters = False

    def receive_inbound(self, sender: str, event: dict):
        raise NotImplementedError

    def receive_inbound_batch(self, items: list[tuple[str, dict]]) -> None:
        """Several validated messages; an application that can record them in one transaction
        overrides this (a failure makes the consumer take them one by one)."""
        for sender, message in items:
            self.receive_inbound(sender, message)

    def record_dead_letter(self, exchange: str, routing_key: str, content_type: str | None, body: bytes,
                           reason: str, errors: dict) -> DeadLetter:
        letter = DeadLetter.record(exchange, routing_key, content_type, body, reason, errors, self.seals_dead_letters)
        try:
            self.save(letter)
        except RecordConflictError:
            self._remember(letter.id)
            return self.get_dead_letter(letter.id)  # the same bad message again: one dead letter
        self._remember(letter.id)
        return letter

    def record_dead_letters(self, refused: list[tuple]) -> None:
        """Many refused messages (each as record_dead_letter's arguments) in one transaction, one
        table lock: a flood of bad messages is recorded at the rate of batches, not of commits. The
        same bad message twice in the batch is one dead letter. Raises RecordConflictError when one
        was recorded before: the caller then records them one by one."""
        letters: dict[UUID, DeadLetter] = {}
        for exchange, routing_key, content_type, body, reason, errors in refused:
            if dead_letter_id(exchange, body) in self._recorded_letters:
                continue  # the same bad message again (a sender's retries): recorded already
            letter = DeadLetter.record(exchange, routing_key, content_type, body, reason, errors,
                                       self.seals_dead_letters)
            letters.setdefault(letter.id, letter)
        if letters:
            self.save(*letters.values())
        self._remember(*letters)

    @property
    def _recorded_letters(self) -> OrderedDict:
        # Ids recorded lately by this process, so that repeats of a bad message do not make the whole
        # batch conflict and fall back to one commit per message. Bounded; a miss costs only that.
        if "_recent_letters" not in self.__dict__:
            self.__dict__["_recent_letters"] = OrderedDict()
        return self.__dict__["_recent_letters"]

    def _remember(self, *letter_ids: UUID) -> None:
        recent = self._recorded_letters
        for letter_id in letter_ids:
            recent[letter_id] = True
            recent.move_to_end(letter_id)
        while len(recent) > 10_000:
            recent.popitem(last=False)

    def get_dead_letter(self, letter_id: UUID) -> DeadLetter:
        try:
            return self.repository.get(letter_id)
        except AggregateNotFoundError:
            raise DeadLetterNotFound(f"no dead letter {letter_id}") from None

    def dead_letters(self, after: int = 0, limit: int = 50) -> tuple[list[DeadLetter], int]:
        """Dead letters recorded after position `after`, oldest first, and the position to ask
        after for the next page (0 when there is none)."""
        topic = f"{DeadLetter.Recorded.__module__}:{DeadLetter.Recorded.__qualname__}"
        notifications = self.recorder.select_notifications(start=after, limit=limit, topics=[topic],
                                                           inclusive_of_start=False)
        letters = [self.get_dead_letter(self.mapper.to_domain_event(n).originator_id) for n in notifications]
        return letters, (notifications[-1].id if len(notifications) == limit else 0)

    def resubmit_dead_letter(self, letter_id: UUID, parse: Callable, by: str):
        """Processes a dead letter's original message again, as if it had just arrived."""
        letter = self.get_dead_letter(letter_id)
        if letter.resolved:  # before the body: a resolved letter's original is shredded
            raise AlreadyResolved("this dead letter has already been re-submitted successfully")
        body = letter.complete_body
        if body is None:
            raise InvalidCommand("the original body was not kept whole (or held personal data, which is "
                                 "kept masked only); ask the sender to send it again", {"_schema": ["body not kept"]})
        try:
            sender, event = parse(letter.exchange, letter.routing_key, body, letter.content_type)
        except Rejected as still:
            raise InvalidCommand(f"the message is still refused: {still.reason}", still.errors or
                                 {"_schema": [still.reason]}) from None
        letter.resolve(by)
        received = self.receive_inbound(sender, event)
        self.save(letter)
        self.shred_original(letter)
        return received

    def shred_original(self, letter: DeadLetter) -> None:
        """A resolved letter's clear original is needed no more: its key is deleted (where sealed)."""
        vault = getattr(self, "personal_data", None)
        if vault is not None and getattr(letter, "data_ref", None):
            vault.erase(letter.data_ref)
