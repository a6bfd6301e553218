"""Structured logs: one JSON object per line, with the service, the correlation id and no personal data.

deploy/config.yaml's LOGGING section (nameko hands it to `logging.config.dictConfig`) puts
`JsonFormatter` and the two filters on the console handler. The correlation id is the gateway's
X-Request-Id: it travels with every RPC call in nameko's context data (`correlation_id`), is set
around each worker by `Correlation`, is stored on the events a command causes and published in
their envelopes (`correlationid`), and is set again around each event a follower processes.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, UTC

from nameko.extensions import DependencyProvider

from shared.privacy import mask_in_text

CORRELATION_KEY = "correlation_id"  # nameko context data → RPC header `nameko.correlation_id`
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
_correlation: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def _service_from_argv() -> str | None:
    # `nameko run services.intake:IntakeService ...`: known before any container exists.
    for arg in sys.argv[1:]:
        match = re.match(r"^services\.([a-z_]+)(?::|$)", arg)
        if match:
            return match.group(1)
    return None


_service = os.environ.get("XINFANG_SERVICE") or _service_from_argv() or os.path.basename(sys.argv[0] or "python")


def set_service(name: str) -> None:
    global _service
    _service = name


def service_name() -> str:
    return _service


# -- correlation ----------------------------------------------------------------------------
def new_correlation_id() -> str:
    return uuid.uuid4().hex


def request_id(value: str | None) -> str:
    """The caller's X-Request-Id when it is a sane token (it ends up in logs and headers), else a new one."""
    if value and _REQUEST_ID.match(value):
        return value
    return new_correlation_id()


def current_correlation_id() -> str | None:
    return _correlation.get()


@contextmanager
def correlated(correlation_id: str | None):
    """Logs (and events recorded) inside carry this correlation id; None leaves the current one."""
    if not correlation_id:
        yield
        return
    token = _correlation.set(correlation_id)
    try:
        yield
    finally:
        _correlation.reset(token)


class Correlation(DependencyProvider):
    """Sets the correlation id around every worker of the service: the one that came with the call
    (nameko context data, which RPC proxies pass on), or a new one that calls made from here pass on."""

    def setup(self):
        set_service(self.container.service_name)

    def worker_setup(self, worker_ctx):
        correlation_id = worker_ctx.data.get(CORRELATION_KEY)
        if not correlation_id:
            correlation_id = worker_ctx.data[CORRELATION_KEY] = new_correlation_id()
        worker_ctx.correlation_token = _correlation.set(str(correlation_id))

    def worker_teardown(self, worker_ctx):
        token = getattr(worker_ctx, "correlation_token", None)
        if token is not None:
            try:
                _correlation.reset(token)
            except ValueError:  # set in another context (should not happen: same green thread)
                _correlation.set(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get(CORRELATION_KEY)


# -- filters and formatter ----------------------------------------------------------------
_MOBILE_WITH_COUNTRY = re.compile(r"(?<![\d+])(\+?86[- ]?)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_personal_data(text: str) -> str:
    """18-digit ID numbers and 11-digit mobile numbers (also with +86) masked wherever they stand."""
    text = _MOBILE_WITH_COUNTRY.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(4), text)
    return mask_in_text(text)


class PersonalDataFilter(logging.Filter):
    """A safety net: whatever a message or its exception says, ID and mobile numbers are masked.
    (Nothing should log them in the first place.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log what there is rather than nothing
            message = f"{record.msg} {record.args}"
        masked = mask_personal_data(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Adds `service` and `correlation_id` to every record (also usable with a plain format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "service", None):
            record.service = _service
        if not getattr(record, "correlation_id", None):
            record.correlation_id = _correlation.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, service, logger, message,
    correlation_id, and `exception` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "service": getattr(record, "service", None) or _service,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or _correlation.get(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
