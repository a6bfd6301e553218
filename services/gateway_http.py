"""What every gateway route shares: reading and answering JSON, who the request acts for, and the one
place where failures become HTTP answers."""
import functools
import json
import logging
import uuid
from functools import wraps
from pathlib import Path

import eventlet

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
import psycopg
from amqp.exceptions import AMQPError
from kombu.exceptions import KombuError
from marshmallow import ValidationError
from nameko.exceptions import RemoteError
from werkzeug.wrappers import Response

from services import web_assets
from shared import errors
from shared.access import PETITIONER, PUBLIC, Principal, may_call
from shared.commands import WIRE_ERRORS
from shared.reference import load_reference
from shared.settings import Settings

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024
IDEMPOTENCY_NAMESPACE = uuid.UUID("5f0c1a52-8a3e-4f55-9d3c-6b1f9b0c2a10")
SETTINGS = Settings()
TIMEOUT = SETTINGS.gateway_timeout
DASHBOARD = Path(SETTINGS.dashboard_dir or web_assets.DEFAULT_DASHBOARD_DIR)


class ServiceUnavailable(Exception):
    pass


@functools.cache
def reference_data():
    """units.json and policy.json as every service reads them (XINFANG_REFERENCE_DIR), read once."""
    return load_reference(SETTINGS.reference_dir or None)


@functools.cache
def schema(cls):
    """One instance per schema class: building a marshmallow schema costs more than using it."""
    return cls()


def _json(status: int, body) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def _csv(text: str, filename: str) -> Response:
    """A CSV download (reporting.csv_export renders it, with its byte order mark)."""
    response = Response(text.encode("utf-8"), status=200, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class BadBody(Exception):
    pass


def _body(request, schema_class) -> dict:
    if request.content_length and request.content_length > MAX_BODY:
        raise BadBody(f"the body is larger than {MAX_BODY} bytes")
    if request.headers.get("Transfer-Encoding", "").lower() == "chunked":
        # A streamed body has no Content-Length, and Werkzeug will not read it: read it here, bounded.
        raw = request.environ["wsgi.input"].read(MAX_BODY + 1)
    else:
        raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        raise BadBody(f"the body is larger than {MAX_BODY} bytes")
    try:
        data = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        raise BadBody("the body is not valid JSON") from None
    return schema(schema_class).load(data)


def _wire(data: dict) -> dict:
    """Loaded values (datetimes, dates, UUIDs) back to JSON for RPC."""
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


PRINCIPAL = "xinfang.principal"


def principal(request) -> Principal:
    return request.environ[PRINCIPAL]


def actor(request) -> str:
    """Who acts (recorded on every event): the person the request's token stands for."""
    return principal(request).user


def acting_unit(request) -> str | None:
    """The unit whose view applies: a unit role's own (it never sees an accusation against it)."""
    return principal(request).acting_unit


def _id(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise errors.NotFound(f"no such id: {value[:64]}") from None


def _unavailable(message: str) -> Response:
    # The command may still run when the service comes back: retrying is safe (an Idempotency-Key
    # registers once; a repeated command meets a 409).
    response = _json(503, {"message": message})
    response.headers["Retry-After"] = "5"
    return response


# Failures of the broker or the database on the way, not of the request: a client retries them.
BROKER_OR_DATABASE_AWAY = (KombuError, AMQPError, ConnectionError, psycopg.OperationalError)


def endpoint(method):
    """A route for a person with a token: 401 without one, 403 outside the role (shared.access)."""
    assert WIRE_ERRORS
    assert method.__name__ not in PUBLIC

    @wraps(method)
    def wrapper(self, request, *args, **kwargs):
        def admitted():
            person = self.door.admit(request)
            if person is None:
                response = _json(401, {"message": "a valid access token is required (Authorization: Bearer …)"})
                response.headers["WWW-Authenticate"] = 'Bearer realm="xinfang"'
                return response
            if not may_call(person, method.__name__):
                return _json(403, {"message": f"the role {person.role} may not do this"})
            request.environ[PRINCIPAL] = person
            return method(self, request, *args, **kwargs)
        return answered(method.__name__, admitted)
    return wrapper


def client_address(request) -> str:
    """Who the rate limits count (shared.rate_limit): the peer, or behind our reverse proxy the address
    it appended to X-Forwarded-For (the earlier entries are the client's to forge)."""
    if SETTINGS.behind_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.remote_addr or "unknown"


class RateLimited(Exception):
    def __init__(self, wait_seconds: float):
        super().__init__(f"wait {wait_seconds:.0f} s")
        self.wait_seconds = wait_seconds


def too_many(wait_seconds: float) -> Response:
    response = _json(429, {"message": "too many requests from this address; try again later"})
    response.headers["Retry-After"] = str(max(1, int(wait_seconds + 0.999)))
    return response


def public_endpoint(*limits):
    """A route without a token (self-service): each of `limits` (SlidingWindow) counts the try, and
    the first one exhausted answers 429. Every RPC call it makes acts for the petitioner."""
    def decorate(method):
        assert method.__name__ in PUBLIC

        @wraps(method)
        def wrapper(self, request, *args, **kwargs):
            client = client_address(request)
            for limit in limits:
                wait = limit.hit(client)
                if wait:
                    return too_many(wait)
            self.door.act_as(PETITIONER)
            request.environ[PRINCIPAL] = PETITIONER
            return answered(method.__name__, lambda: method(self, request, *args, **kwargs))
        return wrapper
    return decorate


def answered(name: str, run) -> Response:
    """The one place where failures become HTTP answers. (Importing WIRE_ERRORS registers them, so
    that the services' refusals arrive here as these exceptions, not as RemoteError.)"""
    try:
        with eventlet.Timeout(TIMEOUT, ServiceUnavailable):
            return run()
    except ServiceUnavailable:
        log.warning("%s: no answer within %ss", name, TIMEOUT)
        return _unavailable("a service did not answer in time; try again")
    except (errors.Unavailable, *BROKER_OR_DATABASE_AWAY) as exc:
        log.warning("%s: %s", name, type(exc).__name__)
        return _unavailable("the database or the message broker is not reachable just now; try again")
    except RateLimited as exc:
        return too_many(exc.wait_seconds)
    except BadBody as exc:
        return _json(400, {"errors": {"_body": [str(exc)]}})
    except ValidationError as exc:
        return _json(400, {"errors": exc.messages if isinstance(exc.messages, dict) else {"_body": exc.messages}})
    except errors.InvalidCommand as exc:
        return _json(400, {"errors": exc.errors, "message": str(exc)})
    except errors.NotFound as exc:
        return _json(404, {"message": str(exc)})
    except errors.Conflict as exc:
        return _json(409, {"message": str(exc)})
    except errors.Forbidden as exc:
        return _json(403, {"message": str(exc)})
    except RemoteError as exc:
        log.error("remote error in %s: %s", name, exc.exc_type)
        return _json(500, {"message": "internal error"})
