"""The public HTTP contract (CONTRACTS.md §2) as marshmallow schemas: requests are loaded
(validated) with these, responses dumped, and the OpenAPI document is generated from them."""
from datetime import date, datetime, UTC

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from dispatch.domain import RATINGS
from dispatch.joint_handling import AGENCIES
from dispatch.opinion import OUTCOMES, REQUIRED_ELEMENTS, REQUIRED_SIGNERS
from dispatch import review
from intake.erasure import GROUNDS as ERASURE_GROUNDS
from intake.domain import DECISIONS, DISPATCH_MODES, LEGAL_ROUTES, MATTER_TYPES
from mediation.domain import PARTY_ROLES
from ownership.domain import CHECKS, LEADER_LEVELS, MEETINGS
from supervision.domain import MANUAL_TRIGGERS
from supervision.ladder import LETTERS
from supervision.listing import TARGETS
from shared.access import Role
from shared.contracts.reference import TargetsPolicySchema, UnitSchema
from shared.due import MAX_SWEEP_DAYS
from shared.mediation_layers import LAYERS
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
UNIT_IDS = sorted(u["id"] for u in load_reference().units)
UNIT = validate.OneOf(UNIT_IDS, error="not a unit of the reference data")
REASON = validate.Length(min=1, max=2000)
# A person's id (经办人) as tokens are issued for it: printable, so it can stand in every record.
USER_ID = validate.Regexp(r"^[^\x00-\x1f\x7f]{1,64}\Z", error="1 to 64 printable characters")


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
    # The limit of five representatives (A20) is a domain rule, named in its error; here only a bound.
    representatives = fields.List(fields.Nested(PetitionerSchema), validate=validate.Length(max=50),
                                  metadata={"description": "a group visit's representatives (at most 5, A20)"})
    group_size = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=100000),
                                metadata={"description": "how many people came (集体访)"})
    accused_unit = Text(validate=UNIT, allow_none=True,
                        metadata={"description": "required for an accusation: the unit it must never reach"})
    new_facts = fields.Boolean(load_default=False, metadata={
        "description": "new facts or reasons: a matter closed after re-review is accepted again (A36)"})


class AcceptanceSchema(Schema):
    decision = Text(required=True, validate=validate.OneOf(DECISIONS))
    reason = Text(required=True, validate=REASON)
    route = Text(validate=validate.OneOf(LEGAL_ROUTES), allow_none=True)
    decided_at = Moment()
    dispatch_mode = Text(load_default="assignment", validate=validate.OneOf(DISPATCH_MODES),
                         metadata={"description": "assignment (交办) or transfer (转送), A22"})


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
    by = Text(load_default="channel", validate=validate.OneOf(("channel", "region", "category", "matter_type")))


class JointHandlingSchema(Schema):
    agencies = fields.List(Text(validate=validate.OneOf(AGENCIES)), required=True,
                           validate=validate.Length(min=1, max=len(AGENCIES)))
    requested_at = Moment()


class WaiverSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=2000))
    by = Text(required=True, validate=validate.Length(min=1, max=50))
    waived_at = Moment()


DEAD_LETTER_KEEPERS = ("intake", "dispatch", "mediation")


class DeadLetterQuerySchema(Schema):
    service = Text(load_default="intake", validate=validate.OneOf(DEAD_LETTER_KEEPERS),
                   metadata={"description": "intake: agencies' events; dispatch: joint-handling reports; "
                                            "mediation: disputes and confirmations it takes itself"})
    after = fields.Integer(load_default=0, validate=validate.Range(min=0), strict=False)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200), strict=False)


class ResubmitSchema(Schema):
    service = Text(load_default="intake", validate=validate.OneOf(DEAD_LETTER_KEEPERS))
    by = Text(required=True, validate=validate.Length(min=1, max=50),
              metadata={"description": "the operator re-submitting it, for the record"})


class ObjectionSchema(Schema):
    unit = Text(required=True, validate=validate.Length(min=1, max=64))
    reasons = Text(required=True, validate=REASON)
    proposed_unit = Text(validate=UNIT, allow_none=True)
    objected_at = Moment()


class ObjectionDecisionSchema(Schema):
    upheld = fields.Boolean(required=True)
    comment = Text(required=True, validate=REASON)
    unit = Text(validate=UNIT, allow_none=True, metadata={"description": "where an upheld objection moves it"})
    decided_at = Moment()


class CoUnitsSchema(Schema):
    units = fields.List(Text(validate=UNIT), required=True, validate=validate.Length(min=1, max=20))
    added_at = Moment()


class CoOpinionSchema(Schema):
    unit = Text(required=True, validate=validate.Length(min=1, max=64))
    opinion = Text(required=True, validate=LONG_TEXT)
    given_at = Moment()


class PreReviewSchema(Schema):
    approved = fields.Boolean(required=True)
    comments = Text(load_default="", validate=validate.Length(max=2000))
    decided_at = Moment()


# A sweep reads one day's list per day from `since` to `as_of`: ten thousand days took a worker longer
# than the gateway waits (found by fuzzing). The sweep reads no further back than this (shared.due),
# so an earlier `since` is refused rather than silently shortened.
SWEEP_DAYS = MAX_SWEEP_DAYS


class BoundedSweepSchema(Schema):
    """A sweep as of a day, again from `since`, over at most five years."""

    @validates_schema
    def _bounded(self, data, **kwargs):
        since = data.get("since")
        if since and ((data.get("as_of") or date.today()) - since).days > SWEEP_DAYS:
            raise ValidationError(f"at most {SWEEP_DAYS} days before as_of", "since")


class ExpirySchema(BoundedSweepSchema):
    as_of = fields.Date(validate=_period_date, allow_none=True, metadata={"description": "default today"})
    since = fields.Date(validate=_period_date, allow_none=True, metadata={
        "description": f"sweep again from this day (days already swept are skipped); at most {SWEEP_DAYS} "
                       "days before as_of"})


class ReviewRequestSchema(Schema):
    reasons = Text(required=True, validate=REASON)
    reviewer_unit = Text(validate=UNIT, allow_none=True,
                         metadata={"description": "default: the body one level up (reference data)"})
    requested_at = Moment()


class HearingSchema(Schema):
    held_from = fields.Date(required=True, validate=_period_date)
    held_to = fields.Date(required=True, validate=_period_date)
    note = Text(load_default="", validate=validate.Length(max=2000))


ReviewOpinionSchema = Schema.from_dict({name: Text(validate=validate.Length(max=20000))
                                        for name in review.REQUIRED_ELEMENTS}, name="ReviewOpinionSchema")


class ReviewDecisionSchema(Schema):
    unit = Text(required=True, validate=validate.Length(min=1, max=64))
    decision = Text(required=True, validate=validate.OneOf(review.DECISIONS))
    opinion = fields.Nested(ReviewOpinionSchema, required=True)
    decided_at = Moment()


class PrincipalSchema(Schema):
    """Who a token stands for (GET /api/me)."""
    user = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf([str(r) for r in Role]))
    unit = fields.String(allow_none=True)


class MediationRequestSchema(Schema):
    layer = Text(required=True, validate=validate.OneOf(LAYERS))
    reason = Text(required=True, validate=REASON)
    requested_at = Moment()


# -- mediation (调解) -------------------------------------------------------------------------
class PartySchema(PetitionerSchema):
    role = Text(load_default="other", validate=validate.OneOf(PARTY_ROLES))


class MediationCreateSchema(Schema):
    layer = Text(required=True, validate=validate.OneOf(LAYERS))
    region_code = Text(required=True, validate=REGION_CODE)
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))
    summary = Text(required=True, validate=LONG_TEXT)
    parties = fields.List(fields.Nested(PartySchema), load_default=list, validate=validate.Length(max=50))
    petition_id = fields.UUID(allow_none=True)
    opened_at = Moment()


class ConsentSchema(Schema):
    party = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=49))
    consents = fields.Boolean(required=True)
    at = Moment()


class MediatorAssignmentSchema(Schema):
    mediator = Text(required=True, validate=validate.Length(min=1, max=64))
    at = Moment()


class SessionSchema(Schema):
    held_on = fields.Date(required=True, validate=_period_date)
    attendees = fields.List(Text(validate=validate.Length(min=1, max=50)), required=True,
                            validate=validate.Length(min=1, max=50))
    notes = Text(load_default="", validate=validate.Length(max=20000))


class MediationHearingSchema(Schema):
    panel = fields.List(Text(validate=validate.Length(min=1, max=50)), required=True,
                        validate=validate.Length(min=1, max=20))
    held_on = fields.Date(required=True, validate=_period_date)
    participants = fields.List(Text(validate=validate.Length(min=1, max=50)), load_default=list,
                               validate=validate.Length(max=100))
    findings = Text(required=True, validate=LONG_TEXT)


class TermSchema(Schema):
    content = Text(required=True, validate=validate.Length(min=1, max=2000))
    manner = Text(required=True, validate=validate.Length(min=1, max=500))
    due = Text(required=True, validate=validate.Length(min=1, max=100))


class AgreementSignatureSchema(Schema):
    role = Text(required=True, validate=validate.OneOf(("party", "mediator")))
    party = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0, max=49))
    name = Text(required=True, validate=validate.Length(min=1, max=50))


class AgreementSchema(Schema):
    facts = Text(required=True, validate=LONG_TEXT)
    disputes = Text(required=True, validate=LONG_TEXT)
    terms = fields.List(fields.Nested(TermSchema), required=True, validate=validate.Length(min=1, max=50))
    signatures = fields.List(fields.Nested(AgreementSignatureSchema), required=True,
                             validate=validate.Length(min=1, max=60))
    signed_at = Moment()


class FailureSchema(Schema):
    reason = Text(required=True, validate=REASON)
    failed_at = Moment()


class ConfirmationApplicationSchema(Schema):
    applicants = fields.List(fields.Integer(strict=True, validate=validate.Range(min=0, max=49)), required=True,
                             validate=validate.Length(min=1, max=50))
    applied_at = Moment()


class ConfirmationDecisionSchema(Schema):
    confirmed = fields.Boolean(required=True)
    decided_at = Moment()
    court_ref = Text(allow_none=True, validate=validate.Length(max=100))


# -- backlog cases (领导包案) -------------------------------------------------------------------
MONTH = validate.Regexp(r"^(?:19[4-9][0-9]|20[0-9]{2})-(?:0[1-9]|1[0-2])\Z", error="a month as YYYY-MM")


class DesignationSchema(Schema):
    petition_id = fields.UUID(required=True)
    reason = Text(required=True, validate=REASON)
    region_code = Text(validate=REGION_CODE, allow_none=True,
                       metadata={"description": "needed only for a petition ownership has not seen"})
    category = Text(validate=validate.OneOf(CATEGORIES), allow_none=True)
    designated_at = Moment()


class CaseListQuerySchema(Schema):
    leader = Text(validate=validate.Length(min=1, max=64), load_default=None)
    status = Text(validate=validate.OneOf(("designated", "owned", "resolved", "terminated")), load_default=None)


class LeaderSchema(Schema):
    id = Text(required=True, validate=validate.Length(min=1, max=64))
    name = Text(required=True, validate=validate.Length(min=1, max=50))
    post = Text(required=True, validate=validate.Length(min=1, max=100))
    level = Text(required=True, validate=validate.OneOf(LEADER_LEVELS))


class PlanSchema(Schema):
    steps = fields.List(Text(validate=validate.Length(min=1, max=2000)), required=True,
                        validate=validate.Length(min=1, max=50))
    target_date = fields.Date(required=True, validate=_period_date)


class OwnershipSchema(Schema):
    leader = fields.Nested(LeaderSchema, required=True)
    task_force = fields.List(Text(validate=validate.Length(min=1, max=50)), required=True,
                             validate=validate.Length(min=1, max=50))
    plan = fields.Nested(PlanSchema, required=True)
    at = Moment()


class MeetingSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(MEETINGS))
    held_on = fields.Date(required=True, validate=_period_date)
    notes = Text(required=True, validate=LONG_TEXT)


class CheckSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(CHECKS))
    evidence = Text(required=True, validate=LONG_TEXT)


class MonthlyReviewSchema(Schema):
    month = Text(required=True, validate=MONTH)
    progress = Text(required=True, validate=LONG_TEXT)


class ResolutionSchema(Schema):
    summary = Text(required=True, validate=LONG_TEXT)
    resolved_at = Moment()


class TerminationSchema(Schema):
    reason = Text(required=True, validate=REASON)
    terminated_at = Moment()


class SweepSchema(BoundedSweepSchema):
    as_of = fields.Date(validate=_period_date, allow_none=True, metadata={"description": "default today"})
    since = fields.Date(validate=_period_date, allow_none=True, metadata={
        "description": f"sweep again from this day; at most {SWEEP_DAYS} days before as_of"})


# -- supervision (督查督办) ----------------------------------------------------------------------
class ScanSchema(SweepSchema):
    pass


class ResponseSchema(Schema):
    letter = Text(required=True, validate=validate.OneOf(LETTERS))
    unit = Text(required=True, validate=validate.Length(min=1, max=64))
    text = Text(required=True, validate=LONG_TEXT)
    adopted = fields.Boolean(allow_none=True, metadata={"description": "for a recommendation: adopted or not"})
    responded_at = Moment()


class ManualSupervisionSchema(Schema):
    trigger = Text(required=True, validate=validate.OneOf(MANUAL_TRIGGERS))
    subject_id = Text(required=True, validate=validate.Length(min=1, max=100),
                      metadata={"description": "the matter or unit taken up (e.g. a petition or assignment id)"})
    unit = Text(required=True, validate=UNIT)
    region_code = Text(required=True, validate=REGION_CODE)
    deadline = fields.Date(required=True, validate=_period_date, metadata={"description": "correction deadline"})
    note = Text(required=True, validate=LONG_TEXT)
    petition_id = fields.UUID(allow_none=True)
    opened_at = Moment()


class ClosureSchema(Schema):
    reason = Text(required=True, validate=REASON)
    closed_at = Moment()


class ListingSchema(Schema):
    target = Text(required=True, validate=validate.OneOf(TARGETS))
    target_id = Text(required=True, validate=validate.Length(min=1, max=100))
    unit = Text(required=True, validate=UNIT)
    region_code = Text(required=True, validate=REGION_CODE)
    reason = Text(required=True, validate=REASON)
    correction_deadline = fields.Date(required=True, validate=_period_date)
    listed_at = Moment()


class LiftingSchema(Schema):
    correction = Text(required=True, validate=LONG_TEXT)
    lifted_at = Moment()


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
    representatives = fields.List(fields.Dict(), metadata={"description": "names; id_number and phone masked"})
    group_size = fields.Integer(allow_none=True)
    accused_unit = fields.String(allow_none=True)
    new_facts = fields.Boolean()
    matter = fields.Dict(allow_none=True, metadata={
        "description": "the matter (petitioner × category × county): petitions, repeats, stage, handling_until"})
    history = fields.List(fields.Dict(), metadata={"description": "every change, with who (actor) and when"})
    query_code = fields.String(allow_none=True, metadata={
        "description": "the petitioner's query code (查询码), in the registration's answer only: hand it over "
                       "(it is printed on the notices too)"})


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
    mode = fields.String(metadata={"description": "assignment (交办) or transfer (转送)"})
    procedure = fields.String(metadata={"description": "ordinary, or simple (简易程序)"})
    dispatch_deadline = fields.String(allow_none=True)
    dispatched_on_time = fields.Boolean(allow_none=True)
    objection_deadline = fields.String(allow_none=True)
    objection = fields.Dict(allow_none=True)
    moves = fields.List(fields.Dict(), metadata={"description": "re-routings: from, to, comment, at"})
    co_units = fields.Dict(metadata={"description": "co-handling unit → added_at, opinion"})
    accused_unit = fields.String(allow_none=True)
    draft = fields.Dict(allow_none=True, metadata={"description": "a reply waiting for pre-review (答复预审)"})
    pre_reviews = fields.List(fields.Dict())
    reviews = fields.Dict(metadata={"description": "review / re_review → request, deadline, hearing days, decision"})
    history = fields.List(fields.Dict(), metadata={"description": "every change, with who (actor) and when"})


class NoticeSchema(Schema):
    kind = fields.String(metadata={"description": "acceptance, non_acceptance, no_further_acceptance, diversion, "
                                                  "extension, handling_opinion, review, re_review"})
    title = fields.String()
    issued_on = fields.String()
    issued_by = fields.String()
    text = fields.String(metadata={"description": "the notice as printed, with Chinese labels"})
    addressee = fields.String(metadata={"description": "whom it is addressed to (the petitioner)"})
    paragraphs = fields.List(fields.String(), metadata={"description": "the body, paragraph by paragraph"})


class NoticesSchema(Schema):
    petition_id = fields.String()
    notices = fields.List(fields.Nested(NoticeSchema))


class ExpiryResultSchema(Schema):
    as_of = fields.String()
    swept_from = fields.String()
    expired = fields.Integer()


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


class RepeatsQuerySchema(PeriodQuerySchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200), strict=False,
                           metadata={"description": "at most this many petitioners and matters"})


class RepeatTotalsSchema(Schema):
    petitions = fields.Integer()
    repeats = fields.Integer(metadata={"description": "petitions on a matter the petitioner raised before"})
    persons = fields.Integer(metadata={"description": "distinct petitioners"})
    repeat_persons = fields.Integer(metadata={"description": "distinct petitioners with at least one repeat"})


class RepeatPetitionerSchema(Schema):
    petitioner_ref = fields.String(metadata={"description": "a keyed pseudonym, never personal data"})
    petitions = fields.Integer()
    repeats = fields.Integer()


class RepeatMatterSchema(RepeatPetitionerSchema):
    category = fields.String()
    county = fields.String(metadata={"description": "the first six digits of the region code"})


class RepeatsSchema(Schema):
    start = fields.String(attribute="from", data_key="from")
    end = fields.String(attribute="to", data_key="to")
    region = fields.String()
    totals = fields.Nested(RepeatTotalsSchema)
    previous_year = fields.Nested(RepeatTotalsSchema, metadata={"description": "the same period a year earlier"})
    petitioners = fields.List(fields.Nested(RepeatPetitionerSchema),
                              metadata={"description": "those with a repeat; most repeats, then most petitions, first"})
    matters = fields.List(fields.Nested(RepeatMatterSchema),
                          metadata={"description": "(petitioner, category, county) with a repeat, in the same order"})


class MediationSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "awaiting_consent, in_mediation, agreed, ended"})
    source = fields.String()
    source_ref = fields.String(allow_none=True)
    petition_id = fields.String(allow_none=True)
    layer = fields.String()
    layer_name = fields.String()
    region_code = fields.String()
    category = fields.String()
    summary = fields.String()
    opened_at = fields.String()
    deadline = fields.String(allow_none=True)
    parties = fields.List(fields.Dict(), metadata={"description": "names; id_number and phone masked; consent"})
    layers = fields.List(fields.Dict(), metadata={"description": "each layer entered, its outcome and reason"})
    mediators = fields.List(fields.Dict())
    sessions = fields.List(fields.Dict())
    hearings = fields.List(fields.Dict())
    agreement = fields.Dict(allow_none=True)
    confirmation = fields.Dict(allow_none=True)
    ended = fields.Dict(allow_none=True)
    history = fields.List(fields.Dict(), metadata={"description": "every change, with who (actor) and when"})


class MediatorSchema(Schema):
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    region_code = fields.String()
    layers = fields.List(fields.String())
    specialities = fields.List(fields.String())


class MediatorsSchema(Schema):
    mediators = fields.List(fields.Nested(MediatorSchema))


class MediationNoticesSchema(Schema):
    mediation_id = fields.String()
    notices = fields.List(fields.Nested(NoticeSchema))


# -- mediation statistics (调解统计) ------------------------------------------------------------
class MediationStatsQuerySchema(PeriodQuerySchema):
    """The mediations opened in the period (from, to) and region (a region-code prefix)."""


class MediationLayerStatsSchema(Schema):
    layer = fields.String(metadata={"description": "one of " + ", ".join(LAYERS) + ", in that order"})
    entered = fields.Integer(metadata={"description": "mediations that entered this layer"})
    agreed = fields.Integer()
    failed = fields.Integer(metadata={"description": "escalated to the next layer, or at the last ended without agreement"})
    refused = fields.Integer(metadata={"description": "ended here because a party refused"})
    success_rate = fields.Float(allow_none=True, metadata={
        "description": "agreed ÷ (agreed + failed + refused) here; null when none concluded here"})


class MediationConfirmationStatsSchema(Schema):
    applied = fields.Integer(metadata={"description": "agreements whose parties applied for judicial confirmation"})
    decided = fields.Integer(metadata={"description": "of those, decided by the court"})
    confirmed = fields.Integer()
    confirmation_rate = fields.Float(allow_none=True, metadata={"description": "confirmed ÷ decided; null when none"})


class MediationFiguresSchema(Schema):
    opened = fields.Integer()
    by_source = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "opened per source: petition, assignment, police110, court, direct"})
    agreements = fields.Integer()
    ended = fields.Integer(metadata={"description": "ended without agreement: refused + failed"})
    refused = fields.Integer()
    failed = fields.Integer(metadata={"description": "failed at the last layer"})
    success_rate = fields.Float(allow_none=True, metadata={
        "description": "agreements ÷ (agreements + ended); mediations under way are in neither; null when none"})
    by_layer = fields.List(fields.Nested(MediationLayerStatsSchema))
    confirmation = fields.Nested(MediationConfirmationStatsSchema)


class MediationLayerChangeSchema(Schema):
    layer = fields.String()
    entered = fields.Float(allow_none=True)
    agreed = fields.Float(allow_none=True)
    failed = fields.Float(allow_none=True)
    refused = fields.Float(allow_none=True)


class MediationConfirmationChangeSchema(Schema):
    applied = fields.Float(allow_none=True)
    decided = fields.Float(allow_none=True)
    confirmed = fields.Float(allow_none=True)


class MediationChangesSchema(Schema):
    opened = fields.Float(allow_none=True)
    by_source = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    agreements = fields.Float(allow_none=True)
    ended = fields.Float(allow_none=True)
    refused = fields.Float(allow_none=True)
    failed = fields.Float(allow_none=True)
    by_layer = fields.List(fields.Nested(MediationLayerChangeSchema))
    confirmation = fields.Nested(MediationConfirmationChangeSchema)


class MediationStatsSchema(MediationFiguresSchema):
    start = fields.String(attribute="from", data_key="from")
    end = fields.String(attribute="to", data_key="to")
    region = fields.String()
    previous_year = fields.Nested(MediationFiguresSchema, metadata={
        "description": "the mediations opened in the same period a year earlier"})
    yoy = fields.Nested(MediationChangesSchema, metadata={
        "description": "year-on-year change of each count: (this − last) ÷ last; null when last is 0"})


class BacklogCaseSchema(Schema):
    id = fields.String()
    petition_id = fields.String()
    status = fields.String(metadata={"description": "designated, owned, resolved, terminated"})
    trigger = fields.String(metadata={"description": "unresolved, repeats, unsatisfied_after_re_review, manual"})
    trigger_name = fields.String()
    reason = fields.String()
    region_code = fields.String()
    category = fields.String()
    designated_at = fields.String()
    leader = fields.Dict(allow_none=True)
    leaders = fields.List(fields.Dict(), metadata={"description": "every leader who owned it, from when"})
    task_force = fields.List(fields.String())
    plan = fields.Dict(allow_none=True)
    meetings = fields.List(fields.Dict(), metadata={"description": "三见面: kind, name, held_on, notes"})
    checks = fields.List(fields.Dict(), metadata={"description": "四不放过: kind, name, evidence"})
    reviews = fields.Dict(metadata={"description": "month → progress"})
    missed_reviews = fields.List(fields.String())
    outcome = fields.Dict(allow_none=True)
    missing_for_resolution = fields.Dict()
    history = fields.List(fields.Dict(), metadata={"description": "every change, with who (actor) and when"})


class BacklogCaseListSchema(Schema):
    cases = fields.List(fields.Nested(BacklogCaseSchema))


class SweepResultSchema(Schema):
    as_of = fields.String()
    swept_from = fields.String()
    designated = fields.Integer()
    reviews_missed = fields.Integer()


# -- backlog statistics (积案统计) ---------------------------------------------------------------
class BacklogStatsQuerySchema(PeriodQuerySchema):
    """The backlog cases designated in the period (from, to) and region (a region-code prefix)."""


class BacklogLeaderStatsSchema(Schema):
    leader_id = fields.String()
    leader_name = fields.String(allow_none=True)
    level = fields.String(allow_none=True, metadata={"description": "one of " + ", ".join(LEADER_LEVELS)})
    owned = fields.Integer(metadata={"description": "cases designated in the period of which this leader is the latest owner"})
    resolved = fields.Integer()
    terminated = fields.Integer()
    resolution_rate = fields.Float(allow_none=True, metadata={"description": "resolved ÷ owned"})
    meets_target = fields.Boolean(allow_none=True, metadata={"description": "resolution_rate ≥ target"})


class BacklogCaseFiguresSchema(Schema):
    designated = fields.Integer()
    owned = fields.Integer(metadata={"description": "a leader assigned (一案一领导)"})
    resolved = fields.Integer(metadata={"description": "closed as resolved (案结事了)"})
    terminated = fields.Integer(metadata={"description": "ended unresolved"})
    open = fields.Integer(metadata={"description": "designated − resolved − terminated"})
    backlog_resolution_rate = fields.Float(allow_none=True, metadata={
        "description": "积案化解率: resolved ÷ designated; null when none designated"})
    leader_owned_resolution_rate = fields.Float(allow_none=True, metadata={
        "description": "领导包案化解率: resolved ÷ owned; null when none owned"})
    meets_target = fields.Boolean(allow_none=True, metadata={
        "description": "leader_owned_resolution_rate ≥ target; null when none owned"})


class BacklogRegionStatsSchema(BacklogCaseFiguresSchema):
    region = fields.String(metadata={"description": "region code one level below the filter"})


class BacklogFiguresSchema(BacklogCaseFiguresSchema):
    target = fields.Float(metadata={"description": "the local target for the leader-owned resolution rate (0.85)"})
    by_trigger = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "designated per trigger: unresolved, repeats, unsatisfied_after_re_review, manual"})
    reviews_missed = fields.Integer(metadata={"description": "months without a progress review, flagged for supervision"})
    by_leader = fields.List(fields.Nested(BacklogLeaderStatsSchema), metadata={
        "description": "per leader (the case's latest owner), most cases first; not in previous_year"})
    by_region = fields.List(fields.Nested(BacklogRegionStatsSchema), metadata={
        "description": "per region one level below the filter; not in previous_year"})


class BacklogChangesSchema(Schema):
    designated = fields.Float(allow_none=True)
    owned = fields.Float(allow_none=True)
    resolved = fields.Float(allow_none=True)
    terminated = fields.Float(allow_none=True)
    open = fields.Float(allow_none=True)
    reviews_missed = fields.Float(allow_none=True)
    by_trigger = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))


class BacklogStatsSchema(BacklogFiguresSchema):
    start = fields.String(attribute="from", data_key="from")
    end = fields.String(attribute="to", data_key="to")
    region = fields.String()
    previous_year = fields.Nested(BacklogFiguresSchema, metadata={
        "description": "the backlog cases designated in the same period a year earlier (without the lists)"})
    yoy = fields.Nested(BacklogChangesSchema, metadata={
        "description": "year-on-year change of each count: (this − last) ÷ last; null when last is 0"})


class SupervisionSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "acceptance, handling, review, re_review, mediation, "
                                                  "monthly_review, or a manual trigger"})
    kind_name = fields.String()
    subject_id = fields.String()
    petition_id = fields.String(allow_none=True)
    unit = fields.String()
    region_code = fields.String()
    deadline = fields.String()
    at_risk_on = fields.String()
    status = fields.String(metadata={"description": "watching or closed"})
    manual = fields.Boolean()
    note = fields.String()
    letters = fields.List(fields.Dict(), metadata={"description": "issued letters with reply deadline and answer"})
    closed = fields.Dict(allow_none=True)
    history = fields.List(fields.Dict())


class LetterSchema(NoticeSchema):
    reply_by = fields.String()
    response = fields.Dict(allow_none=True)


class LettersSchema(Schema):
    supervision_id = fields.String()
    letters = fields.List(fields.Nested(LetterSchema))


class ScanResultSchema(Schema):
    as_of = fields.String()
    swept_from = fields.String()
    issued = fields.Integer()
    by_letter = fields.Dict(keys=fields.String(), values=fields.Integer())


class ListedSupervisionSchema(Schema):
    id = fields.String()
    target = fields.String()
    target_id = fields.String()
    unit = fields.String()
    region_code = fields.String()
    reason = fields.String()
    correction_deadline = fields.String()
    listed_at = fields.String()
    lifted = fields.Dict(allow_none=True)
    history = fields.List(fields.Dict())


# -- supervision statistics (督查督办统计) and the overdue list ------------------------------------
class SupervisionStatsQuerySchema(PeriodQuerySchema):
    """The letters issued, watches overdue and listings of the period (from, to) and region (a
    region-code prefix)."""


class LetterCountsSchema(Schema):
    reminder = fields.Integer(metadata={"description": "提醒函"})
    warning = fields.Integer(metadata={"description": "预警函"})
    supervision = fields.Integer(metadata={"description": "督办函"})
    recommendation = fields.Integer(metadata={"description": "问责建议函"})


class UnitLettersSchema(LetterCountsSchema):
    unit_id = fields.String(metadata={"description": "the unit the letters went to"})
    issued = fields.Integer()


class SupervisionFiguresSchema(Schema):
    overdue_as_of = fields.String(metadata={"description": "the day overdue is judged on: the period's end, "
                                                           "or today when the period is not over"})
    issued = fields.Integer(metadata={"description": "letters issued in the period"})
    by_letter = fields.Nested(LetterCountsSchema)
    by_unit = fields.List(fields.Nested(UnitLettersSchema), metadata={
        "description": "letters per unit, most first; not in previous_year"})
    overdue = fields.Integer(metadata={"description": "overdue_open + closed_late"})
    overdue_open = fields.Integer(metadata={"description": "watches open on overdue_as_of past their deadline"})
    closed_late = fields.Integer(metadata={"description": "watches closed in the period after their deadline"})
    listed = fields.Integer(metadata={"description": "listings (挂牌督办) made in the period"})
    lifted = fields.Integer(metadata={"description": "listings lifted in the period"})
    lifted_on_time = fields.Integer(metadata={"description": "of those, by the correction deadline"})
    still_listed = fields.Integer(metadata={"description": "listings not lifted on overdue_as_of"})
    answered = fields.Integer(metadata={"description": "warnings, supervision letters and recommendations "
                                                      "issued in the period and answered"})
    answered_on_time = fields.Integer()
    answered_late = fields.Integer()
    unanswered_overdue = fields.Integer(metadata={"description": "not answered, the reply date passed (today)"})
    response_timeliness_rate = fields.Float(allow_none=True, metadata={
        "description": "answered_on_time ÷ (answered + unanswered_overdue); null when none"})
    recommendations_answered = fields.Integer(metadata={"description": "recommendations with written feedback"})
    recommendations_adopted = fields.Integer()
    adoption_rate = fields.Float(allow_none=True, metadata={
        "description": "recommendations_adopted ÷ recommendations_answered; null when none"})


class SupervisionChangesSchema(Schema):
    issued = fields.Float(allow_none=True)
    by_letter = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    overdue = fields.Float(allow_none=True)
    overdue_open = fields.Float(allow_none=True)
    closed_late = fields.Float(allow_none=True)
    listed = fields.Float(allow_none=True)
    lifted = fields.Float(allow_none=True)
    lifted_on_time = fields.Float(allow_none=True)
    still_listed = fields.Float(allow_none=True)
    answered = fields.Float(allow_none=True)
    answered_on_time = fields.Float(allow_none=True)
    answered_late = fields.Float(allow_none=True)
    unanswered_overdue = fields.Float(allow_none=True)
    recommendations_answered = fields.Float(allow_none=True)
    recommendations_adopted = fields.Float(allow_none=True)


class SupervisionStatsSchema(SupervisionFiguresSchema):
    start = fields.String(attribute="from", data_key="from")
    end = fields.String(attribute="to", data_key="to")
    region = fields.String()
    as_of = fields.String(metadata={"description": "today: unanswered letters are judged on it"})
    previous_year = fields.Nested(SupervisionFiguresSchema, metadata={
        "description": "the same figures for the same period a year earlier (without by_unit)"})
    yoy = fields.Nested(SupervisionChangesSchema, metadata={
        "description": "year-on-year change of each count: (this − last) ÷ last; null when last is 0"})


class OverdueQuerySchema(Schema):
    """The overdue list (超期清单) for the dispatch meeting."""
    as_of = fields.Date(validate=_period_date, load_default=None, allow_none=True,
                        metadata={"description": "default today"})
    unit = Text(load_default=None, validate=validate.Length(min=1, max=64),
                metadata={"description": "one unit's items only"})
    region = Text(load_default="", validate=REGION_PREFIX)


class OverdueItemSchema(Schema):
    supervision_id = fields.String()
    kind = fields.String(metadata={"description": "the limit watched, or a manual trigger"})
    subject_id = fields.String()
    petition_id = fields.String(allow_none=True)
    region_code = fields.String()
    deadline = fields.String()
    days_overdue = fields.Integer(metadata={"description": "calendar days from the deadline to as_of"})
    highest_letter = fields.String(allow_none=True, metadata={
        "description": "the highest letter issued by as_of: reminder, warning, supervision, recommendation"})
    manual = fields.Boolean()


class OverdueUnitSchema(Schema):
    unit_id = fields.String()
    overdue = fields.Integer()
    items = fields.List(fields.Nested(OverdueItemSchema), metadata={"description": "longest overdue first"})


class OverdueListSchema(Schema):
    as_of = fields.String()
    region = fields.String()
    unit = fields.String(allow_none=True)
    overdue = fields.Integer()
    units = fields.List(fields.Nested(OverdueUnitSchema), metadata={"description": "most overdue items first"})


# -- bulletins (通报) ---------------------------------------------------------------------------
BULLETIN_KINDS = ("week", "month", "quarter", "year")
BULLETIN_STATUSES = ("draft", "published")


class BulletinCompileSchema(Schema):
    """Compile (again, while a draft) the bulletin of the period `day` falls in."""
    kind = Text(required=True, validate=validate.OneOf(BULLETIN_KINDS),
                metadata={"description": "an ISO week (Monday to Sunday), a month, a quarter or a year"})
    day = fields.Date(required=True, validate=_period_date, metadata={"description": "any day of the period"})
    region = Text(load_default="", validate=REGION_PREFIX)


class BulletinListQuerySchema(Schema):
    kind = Text(load_default=None, validate=validate.OneOf(BULLETIN_KINDS))
    status = Text(load_default=None, validate=validate.OneOf(BULLETIN_STATUSES))


class PublicationSchema(Schema):
    """Publishing freezes the bulletin; the body is empty ({})."""


class CorrectionSchema(Schema):
    reason = Text(required=True, validate=REASON)


class BulletinVersionSchema(Schema):
    version = fields.Integer()
    figures = fields.Dict(metadata={"description": "summary, mediation, backlog, supervision, rank_by, ranking"})
    reason = fields.String(allow_none=True, metadata={"description": "why it was corrected (none for version 1)"})
    changes = fields.Dict(metadata={"description": "figure (dotted path) → {was, now}"})
    at = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)


class BulletinSummarySchema(Schema):
    id = fields.String()
    kind = fields.String()
    start = fields.String(data_key="from")
    end = fields.String(data_key="to")
    region = fields.String()
    status = fields.String(metadata={"description": "draft or published (frozen)"})
    version = fields.Integer(metadata={"description": "the current version: 1, then one more per correction"})


class BulletinSchema(BulletinSummarySchema):
    published_at = fields.String(allow_none=True)
    published_by = fields.String(allow_none=True)
    figures = fields.Dict(metadata={"description": "the current version's figures"})
    versions = fields.List(fields.Nested(BulletinVersionSchema), metadata={"description": "every version, oldest first"})
    history = fields.List(fields.Nested(HistoryEntrySchema))


class BulletinListSchema(Schema):
    bulletins = fields.List(fields.Nested(BulletinSummarySchema), metadata={"description": "latest period first"})


# -- the dashboard's reference data and targets (看板) -------------------------------------------
class TargetsSchema(Schema):
    targets = fields.Nested(TargetsPolicySchema, metadata={
        "description": "the rates the bureau aims at, 0..1 (policy.json \"targets\", local values)"})


class RegionSchema(Schema):
    code = fields.String(metadata={"description": "the administrative division code of its people's government"})
    prefix = fields.String(metadata={"description": "the `region` filter of the statistics covering it"})
    name = fields.String()
    level = fields.String(metadata={"description": "city, county or township"})


class RegionListSchema(Schema):
    regions = fields.List(fields.Nested(RegionSchema), metadata={"description": "larger areas first"})


class UnitListSchema(Schema):
    units = fields.List(fields.Nested(UnitSchema))


class AuditQuerySchema(Schema):
    """Who did what (审计): the trail of a petition (with its assignment, mediation, backlog case and
    supervisions), of any record by its id, of a person, or of one request by its correlation id."""
    subject = Text(required=True, validate=validate.Length(min=1, max=64))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000), strict=False)
    since = Moment(load_default=None)
    until = Moment(load_default=None)


class AuditEntrySchema(Schema):
    service = fields.String(required=True)
    position = fields.Integer(required=True)
    at = fields.String(required=True, metadata={"description": "ISO 8601 time of the event"})
    type = fields.String(required=True)
    actor = fields.String(required=True, metadata={"description": "the person the command acted for, or system"})
    aggregate_id = fields.String(required=True)
    petition_id = fields.String(allow_none=True)
    correlation_id = fields.String(allow_none=True)


class AuditTrailSchema(Schema):
    subject = fields.String(required=True)
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)


class ErasureCommandSchema(Schema):
    """Erase the petitioner of this petition (PIPL Art. 47, crypto-shredding, decision 0019)."""
    ground = Text(load_default="request", validate=validate.OneOf(ERASURE_GROUNDS))


class ErasureRecordSchema(Schema):
    petitioner_ref = fields.String(required=True, metadata={"description": "the person's pseudonym, never the person"})
    petition_id = fields.String(allow_none=True)
    ground = fields.String(required=True)
    position = fields.Integer()
    by = fields.String(required=True)
    at = fields.String(required=True)


class ErasureSchema(ErasureRecordSchema):
    times = fields.Integer(metadata={"description": "how many times this person's erasure was ordered"})
    key_deleted = fields.Boolean(metadata={"description": "false when an earlier erasure deleted it already"})


class ErasureQuerySchema(Schema):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0), strict=False)
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500), strict=False)


class ErasureListSchema(Schema):
    erasures = fields.List(fields.Nested(ErasureRecordSchema), required=True)
