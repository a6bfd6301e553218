"""RPC commands: the three errors a caller gets back, and the wrapper every command runs in."""
from __future__ import annotations

import functools
import time

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, RecordConflictError
from nameko.exceptions import deserialize_to_instance
from nameko.rpc import rpc

from shared import errors, metrics
from shared.actors import acting_as, current_principal

# Callers get these five back as instances, whatever the context's own subclass was.
WIRE_ERRORS = (errors.NotFound, errors.Conflict, errors.InvalidCommand, errors.Forbidden, errors.Unavailable)
for _wire_error in WIRE_ERRORS:
    deserialize_to_instance(_wire_error)

# A refused command is an answer, not a failure of the service: logged without a traceback.
command_rpc = rpc(expected_exceptions=WIRE_ERRORS)
CONFLICT_RETRIES = 3


def command(name: str):
    """Wraps an RPC method: counts and times it, re-runs it when a concurrent command saved the same
    aggregate first (so it is judged against the new state), and sends domain errors as the three
    wire errors. `actor` (the user the gateway acts for) is recorded on every event the command
    causes; without it, the person the request acts for (shared.endpoints.Caller)."""
    def decorate(method):
        def run(self, *args, **kwargs):
            for attempt in range(CONFLICT_RETRIES):
                try:
                    return method(self, *args, **kwargs)
                except RecordConflictError:
                    if attempt == CONFLICT_RETRIES - 1:
                        raise errors.Conflict("the record kept changing meanwhile; try again") from None

        @functools.wraps(method)
        def wrapper(self, *args, actor=None, **kwargs):
            service = self.name
            started = time.perf_counter()
            outcome = "ok"
            try:
                with acting_as(actor, current_principal()):
                    return run(self, *args, **kwargs)
            except errors.InvalidCommand as exc:
                outcome = "invalid"
                raise errors.InvalidCommand(str(exc), exc.errors) from None
            except errors.NotFound as exc:
                outcome = "not_found"
                raise errors.NotFound(str(exc)) from None
            except errors.Conflict as exc:
                outcome = "conflict"
                raise errors.Conflict(str(exc)) from None
            except errors.Forbidden as exc:
                outcome = "forbidden"
                raise errors.Forbidden(str(exc)) from None
            except (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError) as exc:
                # The database is away (restarting, unreachable): the caller may retry; the message
                # names the failure's kind only, never its text (it may quote a statement's values).
                outcome = "unavailable"
                raise errors.Unavailable(f"the database did not answer ({type(exc).__name__}); try again") from None
            except Exception:
                outcome = "error"
                raise
            finally:
                metrics.COMMANDS.labels(service, name, outcome).inc()
                metrics.COMMAND_SECONDS.labels(service, name).observe(time.perf_counter() - started)
        return wrapper
    return decorate
