"""Events other agencies publish to us (CONTRACTS.md §1) as marshmallow schemas, and the one entry
point that turns an AMQP message from them into a validated event or a reason to dead-letter it.

A message is CloudEvents 1.0 in structured JSON mode on `<agency>.events`, routing key = event type.
Extra envelope attributes and extra data fields are ignored, not rejected (unknown=EXCLUDE). The
body comes from outside: it is bounded in size and nesting before `json.loads` ever sees it.
"""
from __future__ import annotations

import json
import re
from functools import cache
from uuid import UUID

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from shared.contracts.http import EARLIEST, LATEST, LONG_TEXT, TEXT, Text
from shared.errors import Rejected

AGENCY_EXCHANGES = {
    "hotline12345.events": ("work_order.created",),
    "police110.events": ("alert.received", "alert.transferred"),
    "court.events": ("case.filed", "mediation.referred", "judicial_confirmation.decided"),
}
AGENCY_BY_EXCHANGE = {exchange: exchange.removesuffix(".events") for exchange in AGENCY_EXCHANGES}
# An agency's answer to dispatch's joint_handling.requested, on the agency's own exchange. Every
# exchange may carry it; dispatch, not intake, binds a queue to it.
JOINT_HANDLING_REPORTED = "joint_handling.reported"
# What mediation takes itself from the agencies' exchanges (it keeps the parties; decision 0011).
MEDIATION_INBOUND = {"police110.events": ("alert.transferred",),
                     "court.events": ("mediation.referred", "judicial_confirmation.decided")}
INBOUND_TYPES = {exchange: (*types, JOINT_HANDLING_REPORTED) for exchange, types in AGENCY_EXCHANGES.items()}
CONTENT_TYPES = ("application/cloudevents+json", "application/json")
MAX_BODY = 1024 * 1024
MAX_DEPTH = 64
MAX_PARTIES = 20
# Every reason InboundRejected can carry: the label values of the dead-letter metric.
REASONS = ("unknown_exchange", "unsupported_content_type", "too_large", "not_utf8", "too_deep", "not_json",
           "not_an_object", "invalid_envelope", "unknown_type", "type_mismatch", "invalid_data")
# Reasons the receiving application adds for a well-formed message it cannot take (dispatch: a report
# for another agency, or one the assignment refuses).
RECEIVER_REASONS = ("agency_mismatch", "refused")
DEAD_LETTER_REASONS = REASONS + RECEIVER_REASONS

# ASCII digits and \Z: `\d` would take other scripts' digits and `$` a trailing newline.
REGION_CODE = validate.Regexp(r"(?:[0-9]{6}|[0-9]{9}|[0-9]{12})\Z",
                              error="an administrative division code of 6, 9 or 12 digits")
PHONE = validate.Regexp(r"\+?[0-9\-]{5,20}\Z", error="a phone number")
URI_REFERENCE = validate.Regexp(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})++\Z",
                                error="a URI-reference (RFC 3986)")
RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?"
                     r"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})")
UUID_TEXT = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
NUMBER = validate.Length(min=1, max=64)  # order_no, alert_no, case_no
CATEGORY = validate.Length(min=1, max=64)  # the agency's own category, not our list


class InboundRejected(Rejected):
    """An agency's message we cannot take: `reason` is a short code (one of REASONS), `errors` maps
    a field ("data.caller.phone") to its messages."""

    def __init__(self, reason: str, errors: dict[str, list[str]] | None = None):
        super().__init__(reason, errors)

    def __str__(self) -> str:
        return f"{self.reason}: {self.errors}" if self.errors else self.reason


class StrictBoolean(fields.Boolean):
    """JSON true or false only: not 1, "yes" or "true"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Moment(fields.AwareDateTime):
    """An RFC 3339 time with its offset, 1949-10-01 to 2099-12-31 (what `Moment` means in http.py)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not RFC3339.fullmatch(value):
            raise ValidationError("an RFC 3339 time with its offset, e.g. 2026-11-20T09:30:00+08:00")
        moment = super()._deserialize(value.upper(), attr, data, **kwargs)
        if not EARLIEST <= moment < LATEST:
            raise ValidationError("must lie between 1949-10-01 and 2099-12-31")
        return moment


class UuidText(Text):
    """A UUID in its usual 8-4-4-4-12 form, kept as its lower-case string."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not UUID_TEXT.fullmatch(text):
            raise ValidationError("a UUID (8-4-4-4-12 hexadecimal digits)")
        return str(UUID(text))


class BoundedList(fields.List):
    """A list whose length is checked before its items are: a hostile list costs nothing."""

    def __init__(self, inner, *, max_length: int, **kwargs):
        super().__init__(inner, validate=validate.Length(max=max_length), **kwargs)
        self.max_length = max_length

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) > self.max_length:
            raise ValidationError(f"at most {self.max_length} items")
        return super()._deserialize(value, attr, data, **kwargs)


class Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # CONTRACTS.md §1: extra attributes and fields are ignored


class EnvelopeSchema(Lenient):
    specversion = Text(required=True, validate=validate.Equal("1.0"))
    id = Text(required=True, validate=validate.Length(min=1, max=200))
    source = Text(required=True, validate=[validate.Length(min=1, max=500), URI_REFERENCE])
    type = Text(required=True, validate=validate.Length(min=1, max=200))
    time = Moment(allow_none=True)
    datacontenttype = Text(allow_none=True, validate=validate.Length(max=200))
    data = fields.Dict(required=True)


class PersonSchema(Lenient):
    name = Text(allow_none=True, validate=validate.Length(max=100))
    phone = Text(allow_none=True, validate=PHONE)


def _parties():
    return BoundedList(fields.Nested(PersonSchema), max_length=MAX_PARTIES, allow_none=True)


class WorkOrderCreatedSchema(Lenient):
    order_no = Text(required=True, validate=NUMBER)
    received_at = Moment(required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    category = Text(required=True, validate=CATEGORY)
    title = Text(required=True, validate=TEXT)
    content = Text(required=True, validate=LONG_TEXT)
    caller = fields.Nested(PersonSchema, allow_none=True)
    transfer_to_petition = StrictBoolean(required=True)


class AlertReceivedSchema(Lenient):
    alert_no = Text(required=True, validate=NUMBER)
    received_at = Moment(required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    category = Text(allow_none=True, validate=validate.Length(max=64))


class AlertTransferredSchema(Lenient):
    alert_no = Text(required=True, validate=NUMBER)
    received_at = Moment(required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    category = Text(required=True, validate=CATEGORY)
    summary = Text(required=True, validate=LONG_TEXT)
    parties = _parties()


class CaseFiledSchema(Lenient):
    case_no = Text(required=True, validate=NUMBER)
    filed_at = Moment(required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    case_type = Text(allow_none=True, validate=validate.Length(max=64))
    cause = Text(allow_none=True, validate=validate.Length(max=200))


class MediationReferredSchema(Lenient):
    case_no = Text(required=True, validate=NUMBER)
    referred_at = Moment(required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    summary = Text(required=True, validate=LONG_TEXT)
    parties = _parties()


class JudicialConfirmationDecidedSchema(Lenient):
    mediation_id = UuidText(required=True)
    confirmed = StrictBoolean(required=True)
    decided_at = Moment(required=True)


class JointHandlingReportedSchema(Lenient):
    assignment_id = UuidText(required=True)
    agency = Text(required=True, validate=NUMBER)
    result = Text(required=True, validate=LONG_TEXT)
    reported_at = Moment(required=True)


ENVELOPE = EnvelopeSchema()
DATA_SCHEMAS: dict[str, Schema] = {
    "work_order.created": WorkOrderCreatedSchema(),
    "alert.received": AlertReceivedSchema(),
    "alert.transferred": AlertTransferredSchema(),
    "case.filed": CaseFiledSchema(),
    "mediation.referred": MediationReferredSchema(),
    "judicial_confirmation.decided": JudicialConfirmationDecidedSchema(),
    JOINT_HANDLING_REPORTED: JointHandlingReportedSchema(),
}


def describe_schemas() -> dict[str, dict]:
    """Each event type's data as {"required": [...], "properties": [...]}, read off its schema."""
    return {type_: {"required": [f.data_key or name for name, f in schema.fields.items() if f.required],
                    "properties": [f.data_key or name for name, f in schema.fields.items()]}
            for type_, schema in DATA_SCHEMAS.items()}


# -- the body ---------------------------------------------------------------------------------
BRACKETS_ONLY = bytes.maketrans(b"{}", b"[]"), bytes(set(range(256)) - set(b"[]{}"))


@cache
def _balanced_within() -> list[re.Pattern]:
    """[k] matches (possessively, so in linear time) brackets nested at most k deep."""
    patterns = [b""]
    for _ in range(MAX_DEPTH):
        patterns.append(rb"(?:\[" + patterns[-1] + rb"\])*+")
    return [re.compile(p) for p in patterns]


def _too_deep(body: bytes) -> bool:
    """Whether arrays and objects nest deeper than MAX_DEPTH, found without parsing: brackets inside
    strings are dropped (`\\\\` and `\\"` first, then every other quote-delimited run), and the
    rest is matched level by level. Unbalanced brackets are left for json.loads to reject."""
    if body.count(b"[") + body.count(b"{") <= MAX_DEPTH:
        return False
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = b"".join(unescaped.split(b'"')[0::2]).translate(*BRACKETS_ONLY)
    within, depth, at = _balanced_within(), 0, 0
    while True:
        at = within[MAX_DEPTH - depth].match(brackets, at).end()
        if at == len(brackets) or brackets[at] == ord("]"):  # all read, or a stray "]"
            return False
        depth, at = depth + 1, at + 1  # an opening bracket whose contents go deeper still
        if depth > MAX_DEPTH:
            return True


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _decode(body: bytes, content_type: str | None) -> dict:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type and media_type not in CONTENT_TYPES:
        raise InboundRejected("unsupported_content_type")
    if len(body) > MAX_BODY:
        raise InboundRejected("too_large")
    try:
        text = body.decode("utf-8").removeprefix("\ufeff")  # RFC 8259 §8.1 lets a parser skip a BOM
    except UnicodeDecodeError:
        raise InboundRejected("not_utf8") from None
    if _too_deep(body):
        raise InboundRejected("too_deep")
    try:
        event = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise InboundRejected("too_deep") from None
    except ValueError:  # JSONDecodeError, NaN/Infinity, integers of more than 4300 digits
        raise InboundRejected("not_json") from None
    if not isinstance(event, dict):
        raise InboundRejected("not_an_object")
    return event


def _flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, path))
        else:
            flat.setdefault(path or "_schema", []).extend(value if isinstance(value, list) else [str(value)])
    return flat


def parse_inbound(exchange: str, routing_key: str, body: bytes, content_type: str | None) -> dict:
    """The validated event {specversion, id, source, type, time, data}, or InboundRejected saying
    why the message is dead-lettered."""
    types = INBOUND_TYPES.get(exchange)
    if types is None:
        raise InboundRejected("unknown_exchange", {"exchange": [f"not one of {', '.join(AGENCY_EXCHANGES)}"]})
    try:
        envelope = ENVELOPE.load(_decode(body, content_type))
    except ValidationError as error:
        raise InboundRejected("invalid_envelope", _flatten(error.messages)) from None
    type_ = envelope["type"]
    if type_ not in types:
        raise InboundRejected("unknown_type", {"type": [f"{exchange} carries only {', '.join(types)}"]})
    if type_ != routing_key:
        raise InboundRejected("type_mismatch", {"type": ["must equal the routing key"]})
    try:
        data = DATA_SCHEMAS[type_].load(envelope["data"])
    except ValidationError as error:
        raise InboundRejected("invalid_data", _flatten(error.messages, "data")) from None
    return {"specversion": envelope["specversion"], "id": envelope["id"], "source": envelope["source"],
            "type": type_, "time": envelope.get("time"), "data": data}


def parse_agency_message(exchange: str, routing_key: str, body: bytes, content_type: str | None) -> tuple[str, dict]:
    """(the sending agency, the validated event), or InboundRejected."""
    return AGENCY_BY_EXCHANGE.get(exchange, exchange), parse_inbound(exchange, routing_key, body, content_type)
