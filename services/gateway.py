"""HTTP gateway: JSON over HTTP to the services' RPC. It validates, maps errors, and holds no rule."""
import uuid

import shared  # noqa: F401  (sets PSYCOPG_WAIT_FUNC before psycopg loads)
from nameko.rpc import RpcProxy

from reporting import csv_export
from services import web_assets
from services.gateway_auth import Authentication
from services.gateway_self_service import SelfService
from services.gateway_worklists import Worklists
from services.gateway_http import (DASHBOARD, IDEMPOTENCY_NAMESPACE, _body, _csv, _id, _json, _wire, acting_unit,
                                   actor, endpoint, principal, reference_data, schema)
from services.openapi import build_spec
from shared.contracts import http as c
# Every route: X-Request-Id in and out, passed on as the correlation id; counted and timed per route.
from shared.endpoints import Observable, traced_http as http
from shared.units import regions


class GatewayService(SelfService, Worklists, Observable):
    name = "gateway"
    door = Authentication()
    intake = RpcProxy("intake")
    dispatch = RpcProxy("dispatch")
    reporting = RpcProxy("reporting")
    mediation = RpcProxy("mediation")
    ownership = RpcProxy("ownership")
    supervision = RpcProxy("supervision")

    @http("GET", "/api/openapi.json")
    def openapi(self, request):
        return _json(200, build_spec())

    # -- the analysts' dashboard (看板): static files; its figures come from the endpoints below -------
    @http("GET", "/")
    def home(self, request):
        return web_assets.redirect("/dashboard")

    @http("GET", "/dashboard")
    def dashboard(self, request):
        return web_assets.serve(DASHBOARD, "index.html")

    @http("GET", "/dashboard/<path:path>")
    def dashboard_file(self, request, path):
        return web_assets.serve(DASHBOARD, path)

    @http("GET", "/api/stats/targets")
    @endpoint
    def targets(self, request):
        return _json(200, schema(c.TargetsSchema).dump({"targets": reference_data().policy["targets"]}))

    @http("GET", "/api/reference/regions")
    @endpoint
    def reference_regions(self, request):
        return _json(200, schema(c.RegionListSchema).dump({"regions": regions(reference_data().units)}))

    @http("GET", "/api/reference/units")
    @endpoint
    def reference_units(self, request):
        return _json(200, schema(c.UnitListSchema).dump({"units": reference_data().units}))

    @http("GET", "/api/me")
    @endpoint
    def whoami(self, request):
        """Who the token stands for: the console shows it and offers what the role may do."""
        return _json(200, schema(c.PrincipalSchema).dump(principal(request)))

    @http("POST", "/api/petitions")
    @endpoint
    def register(self, request):
        petition = _wire(_body(request, c.PetitionCreateSchema))
        key = request.headers.get("Idempotency-Key")
        # The id is chosen here so a retried request (or a re-executed RPC) registers once.
        petition_id = uuid.uuid5(IDEMPOTENCY_NAMESPACE, key[:200]) if key else uuid.uuid4()
        user = actor(request)
        return _json(201, schema(c.PetitionSchema).dump(self.intake.register(str(petition_id), petition, actor=user)))

    @http("GET", "/api/petitions/<string:petition_id>")
    @endpoint
    def get_petition(self, request, petition_id):
        petition_id, unit = _id(petition_id), acting_unit(request)
        return _json(200, schema(c.PetitionSchema).dump(self.intake.get_petition(petition_id, acting_unit=unit)))

    @http("GET", "/api/petitions/<string:petition_id>/notices")
    @endpoint
    def notices(self, request, petition_id):
        petition_id, unit = _id(petition_id), acting_unit(request)
        found = self.intake.notices(petition_id, acting_unit=unit)
        handling = (self.dispatch.notices(found["assignment_id"], found["addressee"])
                    if found["assignment_id"] else [])
        ordered = sorted(found["notices"] + handling, key=lambda n: n["issued_on"])
        return _json(200, schema(c.NoticesSchema).dump({"petition_id": petition_id, "notices": ordered}))

    @http("POST", "/api/petitions/<string:petition_id>/acceptance")
    @endpoint
    def decide_acceptance(self, request, petition_id):
        petition_id = _id(petition_id)
        command = _wire(_body(request, c.AcceptanceSchema))
        return _json(200, schema(c.PetitionSchema).dump(
            self.intake.decide_acceptance(petition_id, actor=actor(request), **command)))

    @http("POST", "/api/petitions/<string:petition_id>/erasure")
    @endpoint
    def erase_petitioner(self, request, petition_id):
        """Crypto-shredding: the person who lodged this petition is erased from all their petitions."""
        petition_id = _id(petition_id)
        command = _body(request, c.ErasureCommandSchema)
        return _json(200, schema(c.ErasureSchema).dump(
            self.intake.erase_petitioner(petition_id=petition_id, actor=actor(request), **command)))

    @http("GET", "/api/erasures")
    @endpoint
    def erasures(self, request):
        q = schema(c.ErasureQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.ErasureListSchema).dump({"erasures": self.intake.erasures(q["after"], q["limit"])}))

    @http("GET", "/api/assignments/<string:assignment_id>")
    @endpoint
    def get_assignment(self, request, assignment_id):
        assignment_id, unit = _id(assignment_id), acting_unit(request)
        return _json(200, schema(c.AssignmentSchema).dump(self.dispatch.get_assignment(assignment_id, acting_unit=unit)))

    def _command(self, request, service, rpc_name, target_id, schema_class, answer_schema):
        """A command on one aggregate: its id from the path, the body validated, the user recorded."""
        target_id = _id(target_id)
        command = _wire(_body(request, schema_class))
        result = getattr(service, rpc_name)(target_id, actor=actor(request), **command)
        return _json(200, schema(answer_schema).dump(result))

    def _assignment_command(self, request, assignment_id, schema_class, rpc_name):
        return self._command(request, self.dispatch, rpc_name, assignment_id, schema_class, c.AssignmentSchema)

    @http("POST", "/api/assignments/<string:assignment_id>/objection")
    @endpoint
    def object_to_dispatch(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.ObjectionSchema, "object_to_dispatch")

    @http("POST", "/api/assignments/<string:assignment_id>/objection/decision")
    @endpoint
    def decide_objection(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.ObjectionDecisionSchema, "decide_objection")

    @http("POST", "/api/assignments/<string:assignment_id>/co-units")
    @endpoint
    def add_co_units(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.CoUnitsSchema, "add_co_units")

    @http("POST", "/api/assignments/<string:assignment_id>/co-opinions")
    @endpoint
    def give_co_opinion(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.CoOpinionSchema, "give_co_opinion")

    @http("POST", "/api/assignments/<string:assignment_id>/pre-review")
    @endpoint
    def decide_pre_review(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.PreReviewSchema, "decide_pre_review")

    @http("POST", "/api/assignments/<string:assignment_id>/review-requests")
    @endpoint
    def request_review(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.ReviewRequestSchema, "request_review")

    @http("POST", "/api/assignments/<string:assignment_id>/hearings")
    @endpoint
    def hold_hearing(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.HearingSchema, "hold_hearing")

    @http("POST", "/api/assignments/<string:assignment_id>/review-decisions")
    @endpoint
    def decide_review(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.ReviewDecisionSchema, "decide_review")

    @http("POST", "/api/assignments/<string:assignment_id>/mediation")
    @endpoint
    def request_mediation(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.MediationRequestSchema, "request_mediation")

    @http("POST", "/api/evaluations/expiry")
    @endpoint
    def expire_unrated(self, request):
        command = _wire(_body(request, c.ExpirySchema))
        return _json(200, schema(c.ExpiryResultSchema).dump(self.dispatch.expire_unrated(actor=actor(request), **command)))

    @http("POST", "/api/assignments/<string:assignment_id>/sign")
    @endpoint
    def sign(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.SignSchema, "sign")

    @http("POST", "/api/assignments/<string:assignment_id>/extension")
    @endpoint
    def extend(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.ExtensionSchema, "extend")

    @http("POST", "/api/assignments/<string:assignment_id>/reply")
    @endpoint
    def reply(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.ReplySchema, "reply")

    @http("POST", "/api/assignments/<string:assignment_id>/evaluation")
    @endpoint
    def evaluate(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.EvaluationSchema, "evaluate")

    @http("POST", "/api/assignments/<string:assignment_id>/joint-handling")
    @endpoint
    def request_joint_handling(self, request, assignment_id):
        return self._assignment_command(request, assignment_id, c.JointHandlingSchema, "request_joint_handling")

    @http("POST", "/api/assignments/<string:assignment_id>/joint-handling/<string:agency>/waiver")
    @endpoint
    def waive_joint_report(self, request, assignment_id, agency):
        assignment_id = _id(assignment_id)
        command = _wire(_body(request, c.WaiverSchema))
        return _json(200, schema(c.AssignmentSchema).dump(
            self.dispatch.waive_joint_report(assignment_id, agency[:64], actor=actor(request), **command)))

    # -- mediation (调解) ----------------------------------------------------------------------
    @http("POST", "/api/mediations")
    @endpoint
    def open_mediation(self, request):
        mediation = _wire(_body(request, c.MediationCreateSchema))
        key = request.headers.get("Idempotency-Key")
        mediation_id = uuid.uuid5(IDEMPOTENCY_NAMESPACE, "mediation:" + key[:200]) if key else uuid.uuid4()
        return _json(201, schema(c.MediationSchema).dump(
            self.mediation.open(str(mediation_id), mediation, actor=actor(request))))

    @http("GET", "/api/mediations/<string:mediation_id>")
    @endpoint
    def get_mediation(self, request, mediation_id):
        return _json(200, schema(c.MediationSchema).dump(self.mediation.get_mediation(_id(mediation_id))))

    @http("GET", "/api/mediations/<string:mediation_id>/notices")
    @endpoint
    def mediation_notices(self, request, mediation_id):
        mediation_id = _id(mediation_id)
        return _json(200, schema(c.MediationNoticesSchema).dump(
            {"mediation_id": mediation_id, "notices": self.mediation.notices(mediation_id)}))

    @http("GET", "/api/mediations/<string:mediation_id>/mediators")
    @endpoint
    def suggest_mediators(self, request, mediation_id):
        return _json(200, schema(c.MediatorsSchema).dump(
            {"mediators": self.mediation.suggest_mediators(_id(mediation_id))}))

    def _mediation_command(self, request, mediation_id, schema_class, rpc_name):
        return self._command(request, self.mediation, rpc_name, mediation_id, schema_class, c.MediationSchema)

    @http("POST", "/api/mediations/<string:mediation_id>/parties")
    @endpoint
    def add_party(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.PartySchema, "add_party")

    @http("POST", "/api/mediations/<string:mediation_id>/consents")
    @endpoint
    def record_consent(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.ConsentSchema, "record_consent")

    @http("POST", "/api/mediations/<string:mediation_id>/mediators")
    @endpoint
    def assign_mediator(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.MediatorAssignmentSchema, "assign_mediator")

    @http("POST", "/api/mediations/<string:mediation_id>/sessions")
    @endpoint
    def hold_session(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.SessionSchema, "hold_session")

    @http("POST", "/api/mediations/<string:mediation_id>/hearings")
    @endpoint
    def hold_mediation_hearing(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.MediationHearingSchema, "hold_hearing")

    @http("POST", "/api/mediations/<string:mediation_id>/agreement")
    @endpoint
    def reach_agreement(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.AgreementSchema, "reach_agreement")

    @http("POST", "/api/mediations/<string:mediation_id>/failure")
    @endpoint
    def fail_mediation(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.FailureSchema, "fail")

    @http("POST", "/api/mediations/<string:mediation_id>/confirmation")
    @endpoint
    def apply_for_confirmation(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.ConfirmationApplicationSchema,
                                       "apply_for_confirmation")

    @http("POST", "/api/mediations/<string:mediation_id>/confirmation/decision")
    @endpoint
    def decide_confirmation(self, request, mediation_id):
        return self._mediation_command(request, mediation_id, c.ConfirmationDecisionSchema, "decide_confirmation")

    # -- backlog cases (领导包案) ----------------------------------------------------------------
    @http("POST", "/api/backlog-cases")
    @endpoint
    def designate(self, request):
        command = _wire(_body(request, c.DesignationSchema))
        return _json(201, schema(c.BacklogCaseSchema).dump(
            self.ownership.designate(command.pop("petition_id"), actor=actor(request), **command)))

    @http("GET", "/api/backlog-cases")
    @endpoint
    def backlog_cases(self, request):
        query = schema(c.CaseListQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.BacklogCaseListSchema).dump({"cases": self.ownership.cases(**query)}))

    @http("GET", "/api/leaders/<string:leader_id>/cases")
    @endpoint
    def leader_cases(self, request, leader_id):
        """包案领导的案件清单: the leader's own open and closed cases."""
        query = schema(c.CaseListQuerySchema).load({**request.args.to_dict(), "leader": leader_id[:64]})
        return _json(200, schema(c.BacklogCaseListSchema).dump({"cases": self.ownership.cases(**query)}))

    @http("GET", "/api/backlog-cases/<string:case_id>")
    @endpoint
    def backlog_case(self, request, case_id):
        return _json(200, schema(c.BacklogCaseSchema).dump(self.ownership.get_case(_id(case_id))))

    def _case_command(self, request, case_id, schema_class, rpc_name):
        return self._command(request, self.ownership, rpc_name, case_id, schema_class, c.BacklogCaseSchema)

    @http("POST", "/api/backlog-cases/<string:case_id>/leader")
    @endpoint
    def assign_leader(self, request, case_id):
        return self._case_command(request, case_id, c.OwnershipSchema, "assign_leader")

    @http("POST", "/api/backlog-cases/<string:case_id>/meetings")
    @endpoint
    def record_meeting(self, request, case_id):
        return self._case_command(request, case_id, c.MeetingSchema, "record_meeting")

    @http("POST", "/api/backlog-cases/<string:case_id>/checks")
    @endpoint
    def confirm_check(self, request, case_id):
        return self._case_command(request, case_id, c.CheckSchema, "confirm_check")

    @http("POST", "/api/backlog-cases/<string:case_id>/reviews")
    @endpoint
    def review_month(self, request, case_id):
        return self._case_command(request, case_id, c.MonthlyReviewSchema, "review_month")

    @http("POST", "/api/backlog-cases/<string:case_id>/resolution")
    @endpoint
    def resolve_case(self, request, case_id):
        return self._case_command(request, case_id, c.ResolutionSchema, "resolve")

    @http("POST", "/api/backlog-cases/<string:case_id>/termination")
    @endpoint
    def terminate_case(self, request, case_id):
        return self._case_command(request, case_id, c.TerminationSchema, "terminate")

    @http("POST", "/api/backlog-sweep")
    @endpoint
    def backlog_sweep(self, request):
        command = _wire(_body(request, c.SweepSchema))
        return _json(200, schema(c.SweepResultSchema).dump(self.ownership.sweep(actor=actor(request), **command)))

    # -- supervision (督查督办) --------------------------------------------------------------------
    @http("POST", "/api/supervisions")
    @endpoint
    def open_supervision(self, request):
        command = _wire(_body(request, c.ManualSupervisionSchema))
        return _json(201, schema(c.SupervisionSchema).dump(self.supervision.open_manual(actor=actor(request), **command)))

    @http("GET", "/api/supervisions/<string:supervision_id>")
    @endpoint
    def get_supervision(self, request, supervision_id):
        return _json(200, schema(c.SupervisionSchema).dump(self.supervision.get_supervision(_id(supervision_id))))

    @http("GET", "/api/supervisions/<string:supervision_id>/letters")
    @endpoint
    def supervision_letters(self, request, supervision_id):
        supervision_id = _id(supervision_id)
        return _json(200, schema(c.LettersSchema).dump(
            {"supervision_id": supervision_id, "letters": self.supervision.letters(supervision_id)}))

    @http("POST", "/api/supervisions/<string:supervision_id>/responses")
    @endpoint
    def respond_to_letter(self, request, supervision_id):
        return self._command(request, self.supervision, "respond", supervision_id, c.ResponseSchema,
                             c.SupervisionSchema)

    @http("POST", "/api/supervisions/<string:supervision_id>/closure")
    @endpoint
    def close_supervision(self, request, supervision_id):
        return self._command(request, self.supervision, "close_manual", supervision_id, c.ClosureSchema,
                             c.SupervisionSchema)

    @http("POST", "/api/supervision-scan")
    @endpoint
    def supervision_scan(self, request):
        command = _wire(_body(request, c.ScanSchema))
        return _json(200, schema(c.ScanResultSchema).dump(self.supervision.scan(actor=actor(request), **command)))

    @http("POST", "/api/listings")
    @endpoint
    def list_for_supervision(self, request):
        command = _wire(_body(request, c.ListingSchema))
        return _json(201, schema(c.ListedSupervisionSchema).dump(
            self.supervision.list_target(actor=actor(request), **command)))

    @http("GET", "/api/listings/<string:listing_id>")
    @endpoint
    def get_listing(self, request, listing_id):
        return _json(200, schema(c.ListedSupervisionSchema).dump(self.supervision.get_listing(_id(listing_id))))

    @http("POST", "/api/listings/<string:listing_id>/lifting")
    @endpoint
    def lift_listing(self, request, listing_id):
        return self._command(request, self.supervision, "lift", listing_id, c.LiftingSchema,
                             c.ListedSupervisionSchema)

    @http("GET", "/api/stats/summary")
    @endpoint
    def summary(self, request):
        query = schema(c.PeriodQuerySchema).load(request.args.to_dict())
        return _json(200, self.reporting.summary(query["start"].isoformat(), query["end"].isoformat(),
                                                 query["region"]))

    @http("GET", "/api/stats/summary.csv")
    @endpoint
    def summary_csv(self, request):
        q = schema(c.PeriodQuerySchema).load(request.args.to_dict())
        start, end = q["start"].isoformat(), q["end"].isoformat()
        return _csv(csv_export.summary_csv(self.reporting.summary(start, end, q["region"])),
                    f"summary-{start}-{end}{'-' + q['region'] if q['region'] else ''}.csv")

    @http("GET", "/api/stats/volume.csv")
    @endpoint
    def volume_csv(self, request):
        q = schema(c.VolumeQuerySchema).load(request.args.to_dict())
        start, end = q["start"].isoformat(), q["end"].isoformat()
        return _csv(csv_export.volume_csv(self.reporting.volume(start, end, q["region"], q["granularity"], q["by"])),
                    f"volume-{start}-{end}{'-' + q['region'] if q['region'] else ''}.csv")

    @http("GET", "/api/stats/volume")
    @endpoint
    def volume(self, request):
        q = schema(c.VolumeQuerySchema).load(request.args.to_dict())
        return _json(200, self.reporting.volume(q["start"].isoformat(), q["end"].isoformat(), q["region"],
                                                q["granularity"], q["by"]))

    @http("GET", "/api/stats/repeats")
    @endpoint
    def repeats(self, request):
        q = schema(c.RepeatsQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.RepeatsSchema).dump(
            self.reporting.repeats(q["start"].isoformat(), q["end"].isoformat(), q["region"], q["limit"])))

    @http("GET", "/api/stats/mediation")
    @endpoint
    def mediation_statistics(self, request):
        q = schema(c.MediationStatsQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.MediationStatsSchema).dump(
            self.reporting.mediation_statistics(q["start"].isoformat(), q["end"].isoformat(), q["region"])))

    @http("GET", "/api/stats/backlog")
    @endpoint
    def backlog_statistics(self, request):
        q = schema(c.BacklogStatsQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.BacklogStatsSchema).dump(
            self.reporting.backlog_statistics(q["start"].isoformat(), q["end"].isoformat(), q["region"])))

    @http("GET", "/api/stats/supervision")
    @endpoint
    def supervision_statistics(self, request):
        q = schema(c.SupervisionStatsQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.SupervisionStatsSchema).dump(
            self.reporting.supervision_statistics(q["start"].isoformat(), q["end"].isoformat(), q["region"])))

    @http("GET", "/api/supervision/overdue")
    @endpoint
    def overdue_supervisions(self, request):
        q = schema(c.OverdueQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.OverdueListSchema).dump(self.reporting.overdue_supervisions(
            q["as_of"].isoformat() if q["as_of"] else None, q["unit"], q["region"])))

    # -- bulletins (通报) ---------------------------------------------------------------------------
    @http("POST", "/api/bulletins")
    @endpoint
    def compile_bulletin(self, request):
        command = _wire(_body(request, c.BulletinCompileSchema))
        return _json(201, schema(c.BulletinSchema).dump(self.reporting.compile_bulletin(actor=actor(request), **command)))

    @http("GET", "/api/bulletins")
    @endpoint
    def bulletins(self, request):
        q = schema(c.BulletinListQuerySchema).load(request.args.to_dict())
        return _json(200, schema(c.BulletinListSchema).dump({"bulletins": self.reporting.list_bulletins(**q)}))

    @http("GET", "/api/bulletins/<string:bulletin_id>")
    @endpoint
    def get_bulletin(self, request, bulletin_id):
        return _json(200, schema(c.BulletinSchema).dump(self.reporting.get_bulletin(_id(bulletin_id))))

    @http("GET", "/api/bulletins/<string:bulletin_id>.csv")
    @endpoint
    def bulletin_csv(self, request, bulletin_id):
        bulletin = self.reporting.get_bulletin(_id(bulletin_id))
        return _csv(csv_export.bulletin_csv(bulletin),
                    f"bulletin-{bulletin['kind']}-{bulletin['start']}{'-' + bulletin['region'] if bulletin['region'] else ''}"
                    f"-v{bulletin['version']}.csv")

    @http("POST", "/api/bulletins/<string:bulletin_id>/publication")
    @endpoint
    def publish_bulletin(self, request, bulletin_id):
        return self._command(request, self.reporting, "publish_bulletin", bulletin_id, c.PublicationSchema,
                             c.BulletinSchema)

    @http("POST", "/api/bulletins/<string:bulletin_id>/corrections")
    @endpoint
    def correct_bulletin(self, request, bulletin_id):
        return self._command(request, self.reporting, "correct_bulletin", bulletin_id, c.CorrectionSchema,
                             c.BulletinSchema)

    def health_status(self):
        return {"service": self.name}

    @http("GET", "/api/audit")
    @endpoint
    def audit(self, request):
        q = schema(c.AuditQuerySchema).load(request.args.to_dict())
        entries = self.reporting.audit(q["subject"], q["limit"], q["since"] and q["since"].isoformat(),
                                       q["until"] and q["until"].isoformat())
        return _json(200, schema(c.AuditTrailSchema).dump({"subject": q["subject"], "entries": entries}))

    @http("GET", "/api/dead-letters")
    @endpoint
    def dead_letters(self, request):
        q = schema(c.DeadLetterQuerySchema).load(request.args.to_dict())
        keeper = getattr(self, q["service"])
        return _json(200, schema(c.DeadLetterPageSchema).dump(keeper.dead_letters(q["after"], q["limit"])))

    @http("POST", "/api/dead-letters/<string:letter_id>/resubmit")
    @endpoint
    def resubmit_dead_letter(self, request, letter_id):
        letter_id = _id(letter_id)
        command = _body(request, c.ResubmitSchema)
        keeper = getattr(self, command.pop("service"))
        return _json(200, schema(c.ResubmittedSchema).dump(keeper.resubmit_dead_letter(letter_id, **command)))


def http_handlers() -> dict[str, object]:
    """Every route the gateway serves, its own and its mixins': handler name → nameko entrypoint."""
    return {name: entrypoint for cls in reversed(GatewayService.__mro__) for name, member in vars(cls).items()
            for entrypoint in getattr(member, "nameko_entrypoints", ()) if hasattr(entrypoint, "url")}
