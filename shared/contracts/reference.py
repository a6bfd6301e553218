"""Schemas of the reference data files a bureau edits (units, categories, routing table)."""
from marshmallow import Schema, fields, validate

REGION_CODE = validate.Regexp(r"^(?:[0-9]{6}|[0-9]{9}|[0-9]{12})\Z", error="6, 9 or 12 digits")


class CategorySchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]{1,31}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    description_en = fields.String(load_default="")


class UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True)
    level = fields.String(required=True, validate=validate.OneOf(["village", "township", "county", "city"]))
    region_code = fields.String(required=True, validate=REGION_CODE)
    role = fields.String(required=True, validate=validate.OneOf(
        ["petition_bureau", "department", "township_government", "village_committee", "county_government", "city_government",
         "discipline_inspection", "court", "mediation_committee"]))


class RuleSchema(Schema):
    region_prefix = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{2,12}\Z"))
    category = fields.String(required=True)
    unit = fields.String(required=True)


class BacklogPolicySchema(Schema):
    """When a matter becomes a backlog case (信访积案)."""
    unresolved_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=3650))
    repeat_petitions = fields.Integer(load_default=3, validate=validate.Range(min=0, max=1000))
    unsatisfied_after_re_review = fields.Boolean(load_default=True)


class SupervisionPolicySchema(Schema):
    """When the letters fall due (四函递进)."""
    at_risk_working_days = fields.Integer(load_default=3, validate=validate.Range(min=0, max=60))
    warning_reply_working_days = fields.Integer(load_default=3, validate=validate.Range(min=1, max=60))
    supervision_reply_working_days = fields.Integer(load_default=5, validate=validate.Range(min=1, max=60))


class BulletinPolicySchema(Schema):
    """The per-unit figures bulletins (通报) rank units by, in order of precedence."""
    rank_by = fields.List(fields.String(validate=validate.OneOf(["on_time_completion_rate", "satisfaction_rate"])),
                          load_default=lambda: ["on_time_completion_rate", "satisfaction_rate"],
                          validate=validate.Length(min=1, max=2))


class TargetsPolicySchema(Schema):
    """The rates a bureau aims at (目标值), drawn on the dashboard beside the figures: local [L]."""
    timely_acceptance_rate = fields.Float(load_default=0.95, validate=validate.Range(min=0, max=1))
    on_time_completion_rate = fields.Float(load_default=0.95, validate=validate.Range(min=0, max=1))
    participation_rate = fields.Float(load_default=0.8, validate=validate.Range(min=0, max=1))
    satisfaction_rate = fields.Float(load_default=0.9, validate=validate.Range(min=0, max=1))
    resolution_rate = fields.Float(load_default=0.85, validate=validate.Range(min=0, max=1))


class PolicySchema(Schema):
    """Local practice [L] a bureau sets (policy.json); absent keys take the seed reports' values."""
    backlog = fields.Nested(BacklogPolicySchema, load_default=lambda: BacklogPolicySchema().load({}))
    supervision = fields.Nested(SupervisionPolicySchema, load_default=lambda: SupervisionPolicySchema().load({}))
    bulletin = fields.Nested(BulletinPolicySchema, load_default=lambda: BulletinPolicySchema().load({}))
    targets = fields.Nested(TargetsPolicySchema, load_default=lambda: TargetsPolicySchema().load({}))
    simple_procedure_categories = fields.List(fields.String(), load_default=list)
    pre_review = fields.Boolean(load_default=True)
    evaluation_window_days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=365))


class MediatorSchema(Schema):
    """The expert pool (专家库) mediators are drawn from."""
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    kind = fields.String(required=True, validate=validate.OneOf(
        ["retired_judge", "lawyer", "industry_expert", "people_mediator", "official"]))
    region_code = fields.String(required=True, validate=REGION_CODE)
    layers = fields.List(fields.String(validate=validate.OneOf(
        ["administrative", "industry", "people", "pre_litigation", "litigation"])), required=True)
    specialities = fields.List(fields.String(), load_default=list)
