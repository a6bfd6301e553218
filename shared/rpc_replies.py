"""An RPC reply that cannot be sent no longer stops the service (decision 0020).

nameko 2.14 sends an RPC method's reply from the worker and gives up after a few retries (about 3 s
of broker outage). The exception then leaves the worker thread, and nameko's container treats any
exception in a thread as fatal: the whole process stops, although its consumers would have
reconnected by themselves once the broker was back. Here the reply is given up instead and the
request is not acknowledged: it stays in its durable queue (or goes back to it with the lost
connection), is delivered again once the broker is back and runs again (STACK.md trap 13: every
command tolerates re-execution), and its caller, if it still waits, gets the answer then.

`install()` patches nameko's RpcConsumer once, for every @rpc of the process; shared.context,
which every service with an event store imports, calls it.
"""
from __future__ import annotations

import logging

from nameko import rpc as nameko_rpc

log = logging.getLogger(__name__)

_original = nameko_rpc.RpcConsumer.handle_result


def handle_result(self, message, result, exc_info):
    try:
        return _original(self, message, result, exc_info)
    except Exception as exc:  # any failure to reply or to acknowledge: fatal to the container otherwise
        routing_key = message.delivery_info.get("routing_key")
        log.warning("reply to %s not sent (%s: %s); the request will be delivered and run again",
                    routing_key, type(exc).__name__, exc)
        try:  # with the connection gone the broker has the request back already; else give it back
            self.queue_consumer.requeue_message(message)
        except Exception as lost:  # the connection broke meanwhile: the broker takes it back itself
            log.info("request not requeued (%s): the broker redelivers it", type(lost).__name__)
        return result, exc_info


def install() -> None:
    if nameko_rpc.RpcConsumer.handle_result is not handle_result:
        nameko_rpc.RpcConsumer.handle_result = handle_result
