"""The HTTP contract of the web console (issue 11): the petitioner's self-service by query code (no
token) and the staff's work queues. Extensions of CONTRACTS.md §2; nothing of it changes an older route."""
from marshmallow import Schema, fields, validate

from dispatch.domain import RATINGS
from shared.contracts.http import CATEGORIES, REASON, REGION_CODE, PetitionCreateSchema, PetitionerSchema, Text

QUERY_CODE = {"type": "string", "example": "K7M2-9QXD-H4TP",
              "description": "查询码: 12 characters of Crockford base 32 in groups of four; case, spaces and "
                             "dashes are ignored"}


class OnlinePetitionSchema(PetitionCreateSchema):
    """网上信访: a petition the petitioner submits themselves; the channel is `online`, received now."""
    class Meta:
        exclude = ("channel", "received_at", "representatives", "group_size", "new_facts")


class SubmissionReceiptSchema(Schema):
    query_code = fields.String(metadata={"description": "the petitioner's only key to the petition: shown once"})
    status = fields.String()
    received_at = fields.String()
    acceptance_deadline = fields.String()


class StepSchema(Schema):
    step = fields.String()
    name = fields.String(metadata={"description": "in Chinese, as the petitioner reads it"})
    at = fields.String()
    detail = fields.String()


class SelfServiceNoticeSchema(Schema):
    kind = fields.String()
    title = fields.String()
    issued_on = fields.String()
    issued_by = fields.String()
    addressee = fields.String()
    paragraphs = fields.List(fields.String())
    text = fields.String()


class PetitionerReplySchema(Schema):
    outcome = fields.String()
    outcome_name = fields.String()
    opinion = fields.Dict(metadata={"description": "facts, claims, findings, result, legal_basis, remedy"})
    signatures = fields.List(fields.Dict())
    replied_at = fields.String()
    unit_name = fields.String()


class RatingStateSchema(Schema):
    open = fields.Boolean(metadata={"description": "whether it can be rated now"})
    deadline = fields.String(allow_none=True)
    rating = fields.String(allow_none=True)
    rating_name = fields.String(allow_none=True)


class ReviewStateSchema(Schema):
    open = fields.Boolean(metadata={"description": "whether a review (复查) or re-review (复核) can be asked for now"})
    deadline = fields.String(allow_none=True)
    stage = fields.String(allow_none=True)
    requested = fields.Boolean()


class SelfServiceSchema(Schema):
    status = fields.String()
    status_name = fields.String()
    channel = fields.String()
    channel_name = fields.String()
    category = fields.String()
    category_name = fields.String()
    region_code = fields.String()
    received_at = fields.String()
    acceptance_deadline = fields.String()
    handling_deadline = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
    notices = fields.List(fields.Nested(SelfServiceNoticeSchema))
    reply = fields.Nested(PetitionerReplySchema, allow_none=True)
    evaluation = fields.Nested(RatingStateSchema)
    review = fields.Nested(ReviewStateSchema)


class PublicEvaluationSchema(Schema):
    rating = Text(required=True, validate=validate.OneOf(RATINGS))


class PublicReviewRequestSchema(Schema):
    reasons = Text(required=True, validate=REASON)


class NamedCodeSchema(Schema):
    code = fields.String()
    name = fields.String()


class PublicReferenceSchema(Schema):
    categories = fields.List(fields.Nested(NamedCodeSchema))
    regions = fields.List(fields.Nested(NamedCodeSchema))
    matter_types = fields.List(fields.Nested(NamedCodeSchema))
    units = fields.List(fields.Nested(NamedCodeSchema), metadata={"description": "units an accusation may name"})


class PossibleRepeatsQuerySchema(Schema):
    petitioner = fields.Nested(PetitionerSchema, required=True)
    region_code = Text(required=True, validate=REGION_CODE)
    category = Text(required=True, validate=validate.OneOf(CATEGORIES))


class EarlierPetitionSchema(Schema):
    id = fields.String()
    received_at = fields.String(metadata={"description": "the day it was received"})
    channel = fields.String()
    region_code = fields.String()
    category = fields.String()
    category_name = fields.String()
    status = fields.String(metadata={"description": "the acceptance decision, or registered while undecided"})
    same_matter = fields.Boolean(metadata={"description": "the same petitioner, category and county (重复信访)"})


class PossibleRepeatsSchema(Schema):
    petitions = fields.List(fields.Nested(EarlierPetitionSchema))


class AcceptanceItemSchema(Schema):
    petition_id = fields.String()
    channel = fields.String()
    channel_name = fields.String()
    region_code = fields.String()
    category = fields.String()
    category_name = fields.String()
    matter_type = fields.String()
    received_on = fields.String()
    acceptance_deadline = fields.String()
    days_left = fields.Integer()
    is_repeat = fields.Boolean(allow_none=True)


class AssignmentItemSchema(Schema):
    assignment_id = fields.String()
    petition_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    stage = fields.String()
    status_name = fields.String()
    category = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    region_code = fields.String(allow_none=True)
    received_on = fields.String(allow_none=True)
    signed = fields.Boolean()
    sign_deadline = fields.String(allow_none=True)
    signed_on = fields.String(allow_none=True)
    handling_deadline = fields.String(allow_none=True)
    drafted_on = fields.String(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    awaiting = fields.String(allow_none=True, metadata={"description": "sign, reply, objection_decision, pre_review"})


class PreReviewItemSchema(Schema):
    assignment_id = fields.String()
    petition_id = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    submitted_on = fields.String(allow_none=True)
    handling_deadline = fields.String(allow_none=True)
    days_left = fields.Integer(allow_none=True)


class LetterItemSchema(Schema):
    letter_id = fields.String()
    supervision_id = fields.String()
    letter = fields.String(metadata={"description": "reminder, warning, supervision, recommendation"})
    letter_name = fields.String()
    unit_id = fields.String()
    unit_name = fields.String()
    issued_on = fields.String(allow_none=True)
    reply_by = fields.String(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    overdue = fields.Boolean()
    kind = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    petition_id = fields.String(allow_none=True)


class LetterWorklistSchema(Schema):
    items = fields.List(fields.Nested(LetterItemSchema))


class AcceptanceWorklistSchema(Schema):
    items = fields.List(fields.Nested(AcceptanceItemSchema))


class AssignmentWorklistSchema(Schema):
    items = fields.List(fields.Nested(AssignmentItemSchema))


class PreReviewWorklistSchema(Schema):
    items = fields.List(fields.Nested(PreReviewItemSchema))


class WorklistQuerySchema(Schema):
    unit = Text(validate=validate.Length(min=1, max=64), metadata={
        "description": "a unit id (bureau roles); a unit handler always sees their own unit's"})


MATTER_TYPE_NAMES = {"complaint": "申诉求决类", "suggestion": "建议意见类", "accusation": "检举控告类"}
STAGE_NAMES = {"assigned": "待签收", "signed": "办理中", "objected": "异议待定", "pre_review": "待预审"}
