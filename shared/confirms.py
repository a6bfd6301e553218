"""Publisher confirms for a batch of messages on one channel."""
from __future__ import annotations

import time

from kombu import Connection


class Confirms:
    """Publisher confirms for a batch: publish all, then wait once for the broker's answers.

    RabbitMQ numbers a confirming channel's publishes from 1 and acknowledges them, possibly several
    at once (`multiple`); a message it could not route comes back (basic.return) before its ack.
    """

    def __init__(self, channel):
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self.sent = 0
        self.settled = 0
        self.failed: set[str] = set()
        self.ids: dict[int, str] = {}

    def expect(self, ids: list[str]) -> None:
        """The ids of the messages about to be published, in order."""
        self.failed = set()
        self.ids = {self.sent + 1 + i: message_id for i, message_id in enumerate(ids)}
        self.first, self.last = self.sent + 1, self.sent + len(ids)

    def on_return(self, exception, exchange, routing_key, message) -> None:
        self.failed.add(message.properties.get("message_id"))

    def _on_ack(self, delivery_tag, multiple) -> None:
        self.settled = max(self.settled, delivery_tag)

    def _on_nack(self, delivery_tag, multiple) -> None:
        for tag in range(self.first if multiple else delivery_tag, delivery_tag + 1):
            self.failed.add(self.ids.get(tag, f"#{tag}"))
        self.settled = max(self.settled, delivery_tag)

    def wait(self, connection: Connection, timeout: float) -> set[str]:
        """Waits until every message of the batch is settled; returns the ids that failed."""
        self.sent = self.last
        deadline = time.monotonic() + timeout
        while self.settled < self.last:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the broker did not confirm the batch in time")
            connection.drain_events(timeout=remaining)
        return self.failed
