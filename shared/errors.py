"""The three ways a command can be refused; every context's own errors derive from one of them.

The gateway maps them to HTTP in one place: NotFound → 404, Conflict → 409, InvalidCommand → 400,
Forbidden → 403; and Unavailable (the database or the broker is away for a moment) → 503.
"""


class DomainError(Exception):
    """A command refused by a rule. The message is shown to the user."""


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """The aggregate's present state forbids the command (e.g. replying before signing)."""


class Forbidden(DomainError):
    """The person may not do this to this record (another unit's matter, another leader's case)."""


class InvalidCommand(DomainError):
    """The command's content breaks a rule; `errors` names the fields like a validation error does."""

    def __init__(self, message: str, errors: dict | None = None):
        self.errors = errors or {"_schema": [message]}
        # Both in args: nameko rebuilds a remote exception from its args.
        super().__init__(message, self.errors)

    def __str__(self) -> str:
        return self.args[0]


class Rejected(Exception):
    """A message from another system that is wrong in itself (not our failure): it is dead-lettered
    at once with `reason` (a short code) and `errors` (field → messages), never retried."""

    def __init__(self, reason: str, errors: dict | None = None):
        super().__init__(reason)
        self.reason, self.errors = reason, errors or {}


class Unavailable(Exception):
    """A dependency (the database, the broker) did not answer: not the command's fault, and retrying
    it later is safe (commands tolerate re-execution, STACK.md trap 13)."""
