"""The public HTTP contract (CONTRACTS.md §2) as marshmallow schemas: requests are loaded
(validated) with these, responses dumped, and the OpenAPI document is generated from them."""
from datetime import date, datetime, UTC

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from dispatch.domain import RATINGS
from dispatch.joint_handling import AGENCIES
from dispatch.opinion import OUTCOMES, REQUIRED_ELEMENTS, REQUIRED_SIGNERS
from intake.domain import DECISIONS, LEGAL_ROUTES, MATTER_TYPES
from shared.privacy import id_number_is_valid
from shared.reference import load_reference

PETITION_CHANNELS = ("visit", "letter", "online", "phone", "fax")
# [0-9] and \Z, not \d and $: those admit other scripts' digits and a trailing newline.
REGION_CODE = validate.Regexp(r"^(?:[0-9]{6}|[0-9]{9}|[0-9]{12})\Z",
                              error="an administrative division code of 6, 9 or 12 digits")
REGION_PREFIX = validate.Regexp(r"^[0-9]{0,12}\Z", error="digits of an administrative division code")
TEXT = validate.Length(min=1, max=200)
LONG_TEXT = validate.Length(min=1, max=20000)
CATEGORIES = sorted(load_reference().category_codes)


EARLIEST = datetime(1949, 10, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


class Text(fields.String):
    """A string that can be stored: valid Unicode (no lone surrogates) and no NUL characters."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("contains characters that are not valid Unicode") from None
        if "\x00" in text:
            raise ValidationError("contains a NUL character")
        return text


def Moment(**kwargs):  # noqa: N802 — a field factory, used like a field class
    """A time with its zone, in the years a petition system can mean (1949-10-01 to 2099)."""
    return fields.AwareDateTime(allow_none=True, validate=validate.Range(
        min=EARLIEST, max=LATEST, max_inclusive=False, error="must lie between 1949-10-01 and 2099-12-31"),
        **kwargs)


def _period_date(value: date) -> None:
    if not 1949 <= value.year <= 2099:
        raise ValidationError("must lie between 1949 and 2099")


def _id_number(value: str) -> None:
    if not id_number_is_valid(value):
        raise ValidationError("not a valid citizen identity number (18 characters with a correct check digit)")


class PetitionerSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=50))
    id_number = Text(validate=_id_number, allow_none=True)
    phone = Text(validate=validate.Regexp(r"^\+?[0-9\-]{5,20}\Z", error="a phone number"), allow_none=True)


class PetitionCreateSchema(Schema):
    channel = Text(required=True, validate=validate.OneOf(PETITION_CHANNELS))
    petitioner = fields.Nested(PetitionerSchema, required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    matter_type = Text(load_default="complaint", validate=validate.OneOf(MATTER_TYPES))
    subject = Text(required=True, validate=TEXT)
    content = Text(required=True, validate=LONG_TEXT)
    received_at = Moment()


class AcceptanceSchema(Schema):
    decision = Text(required=True, validate=validate.OneOf(DECISIONS))
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))
    route = Text(validate=validate.OneOf(LEGAL_ROUTES), allow_none=True)
    decided_at = Moment()


class SignSchema(Schema):
    unit = Text(required=True, validate=validate.Length(min=1, max=64))
    signed_at = Moment()


class ExtensionSchema(Schema):
    days = fields.Integer(required=True, strict=True)
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))
    approved_by = Text(required=True, validate=validate.Length(min=1, max=50))
    extended_at = Moment()


# The six elements' presence is a domain rule (dispatch.opinion); here only their type and size.
OpinionSchema = Schema.from_dict({name: Text(validate=validate.Length(max=20000))
                                  for name in REQUIRED_ELEMENTS}, name="OpinionSchema")


class SignatureSchema(Schema):
    role = Text(required=True, validate=validate.OneOf(REQUIRED_SIGNERS))
    name = Text(required=True, validate=validate.Length(min=1, max=50))


class ReplySchema(Schema):
    outcome = Text(required=True, validate=validate.OneOf(OUTCOMES))
    opinion = fields.Nested(OpinionSchema, required=True)
    signatures = fields.List(fields.Nested(SignatureSchema), required=True, validate=validate.Length(max=10))
    replied_at = Moment()


class EvaluationSchema(Schema):
    rating = Text(required=True, validate=validate.OneOf(RATINGS))
    rated_at = Moment()


class PeriodQuerySchema(Schema):
    start = fields.Date(required=True, data_key="from", validate=_period_date)
    end = fields.Date(required=True, data_key="to", validate=_period_date)
    region = Text(load_default="", validate=REGION_PREFIX)

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data["start"] > data["end"]:
            raise ValidationError("must not be after 'to'", "from")
        if (data["end"] - data["start"]).days > 3660:
            raise ValidationError("a period of at most ten years", "to")


class VolumeQuerySchema(PeriodQuerySchema):
    granularity = Text(load_default="month", validate=validate.OneOf(("day", "week", "month")))
    by = Text(load_default="channel", validate=validate.OneOf(("channel", "region", "category")))


class JointHandlingSchema(Schema):
    agencies = fields.List(Text(validate=validate.OneOf(AGENCIES)), required=True,
                           validate=validate.Length(min=1, max=len(AGENCIES)))
    requested_at = Moment()


class WaiverSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))
    by = Text(required=True, validate=validate.Length(min=1, max=50))
    waived_at = Moment()


DEAD_LETTER_KEEPERS = ("intake", "dispatch")


class DeadLetterQuerySchema(Schema):
    service = Text(load_default="intake", validate=validate.OneOf(DEAD_LETTER_KEEPERS),
                   metadata={"description": "intake: agencies' events; dispatch: joint-handling reports"})
    after = fields.Integer(load_default=0, validate=validate.Range(min=0), strict=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200), strict=False)


class ResubmitSchema(Schema):
    service = Text(load_default="intake", validate=validate.OneOf(DEAD_LETTER_KEEPERS))
    by = Text(required=True, validate=validate.Length(min=1, max=50),
              metadata={"description": "the operator re-submitting it, for the record"})


# -- responses ------------------------------------------------------------------------------
class HistoryEntrySchema(Schema):
    type = fields.String()
    at = fields.String()

    class Meta:
        unknown = "include"


class PetitionSchema(Schema):
    id = fields.String()
    status = fields.String()
    channel = fields.String()
    petitioner = fields.Dict(metadata={"description": "name; id_number and phone masked"})
    region_code = fields.String()
    category = fields.String()
    matter_type = fields.String()
    subject = fields.String()
    content = fields.String()
    received_at = fields.String()
    acceptance_deadline = fields.String()
    repeat_of = fields.String(allow_none=True)
    decision = fields.Dict(allow_none=True)
    assignment_id = fields.String(allow_none=True)
    history = fields.List(fields.Dict())


class AssignmentSchema(Schema):
    id = fields.String()
    petition_id = fields.String()
    unit = fields.String()
    status = fields.String()
    deadline = fields.String(metadata={"description": "handling deadline (extended if an extension was granted)"})
    sign_deadline = fields.String()
    evaluation_deadline = fields.String(allow_none=True)
    extension = fields.Dict(allow_none=True)
    reply = fields.Dict(allow_none=True)
    rating = fields.String(allow_none=True)
    joint_handling = fields.Dict(metadata={"description": "agency → requested_at, report, waiver"})
    history = fields.List(fields.Dict())


class ErrorSchema(Schema):
    errors = fields.Dict(metadata={"description": "field name → list of messages"})
    message = fields.String()


class DeadLetterSchema(Schema):
    id = fields.String()
    exchange = fields.String()
    routing_key = fields.String()
    content_type = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "a short code: not_json, invalid_data, …"})
    errors = fields.Dict()
    received_at = fields.String()
    resolved = fields.Boolean()
    body_bytes = fields.Integer()
    body = fields.String(metadata={"description": "the original body (first 64 KiB), ID and phone numbers masked"})


class DeadLetterPageSchema(Schema):
    items = fields.List(fields.Nested(DeadLetterSchema))
    next_after = fields.Integer(metadata={"description": "pass as `after` for the next page; 0 at the end"})


class ResubmittedSchema(Schema):
    dead_letter = fields.Nested(DeadLetterSchema)
    received_id = fields.String(allow_none=True, metadata={"description": "the agency event or assignment it changed"})
