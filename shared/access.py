"""Who may do what (权限): roles, the person a request acts for, and the one table of what each role may call.

Every HTTP call carries a bearer token bound to one person, one role and, for a handling unit, one
unit (shared.tokens). The gateway asks `may_call` before anything else; the services apply the finer
rules with `current_principal()` (shared.actors): a unit sees only the assignments it handles, and
only the discipline-inspection role reads what an accusation says.
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from shared.errors import Forbidden


class Role(StrEnum):
    CLERK = "clerk"                    # 登记受理: the bureau's reception and case office
    UNIT_HANDLER = "unit_handler"      # 责任单位经办人: a handling unit's case worker
    LEADER = "leader"                  # 包案领导
    SUPERVISOR = "supervisor"          # 联席办/督查
    ANALYST = "analyst"                # 统计分析
    ADMINISTRATOR = "administrator"    # 系统管理员
    AGENCY = "agency"                  # another agency's system (12345, 110, court)
    INSPECTOR = "inspector"            # 纪检监察: the only readers of accusations (A29)
    # 信访人本人: no token, ever; the gateway acts as one for a request that opened a petition with its
    # query code, so that what they read and do is recorded like anyone's.
    PETITIONER = "petitioner"


UNIT_ROLES = frozenset({Role.UNIT_HANDLER})
TOKEN_ROLES = frozenset(Role) - {Role.PETITIONER}  # the roles a bearer token can carry

ACCUSATION_WITHHELD = "（检举控告内容仅限纪检监察机关查阅）"


@dataclass(frozen=True)
class Principal:
    user: str
    role: Role
    unit: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "role", Role(self.role))
        if (self.role in UNIT_ROLES) != bool(self.unit):
            raise ValueError(f"role {self.role} {'needs' if self.role in UNIT_ROLES else 'takes no'} unit")

    @property
    def acting_unit(self) -> str | None:
        """The unit whose view applies: a unit role's own unit; bureau roles see every unit's work."""
        return self.unit if self.role in UNIT_ROLES else None

    def context_data(self) -> dict:
        """As it travels with every RPC call the request causes (nameko context data, AMQP headers)."""
        data = {"xinfang_user": self.user, "xinfang_role": str(self.role)}
        if self.unit:
            data["xinfang_unit"] = self.unit
        return data

    @classmethod
    def from_context_data(cls, data: dict) -> Principal | None:
        if not data.get("xinfang_role"):
            return None
        return cls(data["xinfang_user"], data["xinfang_role"], data.get("xinfang_unit"))


def may_read_accusation(principal: Principal | None) -> bool:
    """An accusation's subject and content reach discipline inspection only; a request without a
    person (a timer, another service's event) reads for no one and so is withheld too."""
    return principal is not None and principal.role is Role.INSPECTOR


# The person a request acts for, set around each command (shared.actors.acting_as); None for a
# timer or another service's event.
CURRENT: ContextVar[Principal | None] = ContextVar("principal", default=None)


def current_principal() -> Principal | None:
    return CURRENT.get()


def acting_unit_of(principal: Principal | None) -> str | None:
    return principal.acting_unit if principal else None


def acts_for(unit: str | None) -> None:
    """A unit role acts for its own unit only (signs, replies, answers a letter for it); bureau roles
    and the system itself for any. Refuses with Forbidden otherwise."""
    own = acting_unit_of(current_principal())
    if own is not None and own != unit:
        raise Forbidden(f"unit {own} may act only for itself, not for {unit}")


_R = Role
BUREAU = frozenset({_R.CLERK, _R.SUPERVISOR, _R.LEADER, _R.INSPECTOR})
READERS_OF_FIGURES = frozenset({_R.ANALYST, _R.SUPERVISOR, _R.LEADER, _R.CLERK})
EVERYONE = TOKEN_ROLES - {_R.AGENCY}

# The gateway's handler name → the roles that may call it, besides the administrator, who may call
# everything. A route missing here is refused to all but the administrator (a test checks none is).
PERMISSIONS: dict[str, frozenset[Role]] = {
    # reference data and targets: every person of the bureau and the units; agencies too
    "targets": TOKEN_ROLES, "reference_regions": TOKEN_ROLES, "reference_units": TOKEN_ROLES,
    # intake (登记受理)
    "register": frozenset({_R.CLERK}),
    "get_petition": BUREAU,
    "notices": BUREAU,
    "decide_acceptance": frozenset({_R.CLERK}),
    # dispatch (交办、办理): the unit's own work, the bureau's decisions on it
    "get_assignment": BUREAU | {_R.UNIT_HANDLER},
    "sign": frozenset({_R.UNIT_HANDLER, _R.CLERK}),
    "extend": frozenset({_R.UNIT_HANDLER, _R.CLERK}),
    "reply": frozenset({_R.UNIT_HANDLER}),
    "object_to_dispatch": frozenset({_R.UNIT_HANDLER}),
    "give_co_opinion": frozenset({_R.UNIT_HANDLER}),
    "request_joint_handling": frozenset({_R.UNIT_HANDLER, _R.CLERK}),
    "waive_joint_report": frozenset({_R.UNIT_HANDLER, _R.CLERK}),
    "decide_objection": frozenset({_R.CLERK}),
    "add_co_units": frozenset({_R.CLERK}),
    "decide_pre_review": frozenset({_R.CLERK}),
    # the petitioner's evaluation and review request, recorded by the bureau on their behalf
    "evaluate": frozenset({_R.CLERK}),
    "request_review": frozenset({_R.CLERK}),
    "hold_hearing": frozenset({_R.CLERK, _R.UNIT_HANDLER}),
    "decide_review": frozenset({_R.CLERK, _R.UNIT_HANDLER}),
    "request_mediation": frozenset({_R.CLERK}),
    "expire_unrated": frozenset(),
    # mediation (调解): the bureau's mediation staff
    **{name: frozenset({_R.CLERK, _R.SUPERVISOR}) for name in (
        "open_mediation", "get_mediation", "mediation_notices", "suggest_mediators", "add_party",
        "record_consent", "assign_mediator", "hold_session", "hold_mediation_hearing", "reach_agreement",
        "fail_mediation", "apply_for_confirmation", "decide_confirmation")},
    # leader case ownership (领导包案): designated and staffed by the joint office, worked by the leader
    "designate": frozenset({_R.SUPERVISOR}),
    "assign_leader": frozenset({_R.SUPERVISOR}),
    "backlog_cases": frozenset({_R.SUPERVISOR, _R.LEADER}),
    "leader_cases": frozenset({_R.SUPERVISOR, _R.LEADER}),
    "backlog_case": frozenset({_R.SUPERVISOR, _R.LEADER}),
    **{name: frozenset({_R.LEADER, _R.SUPERVISOR}) for name in (
        "record_meeting", "confirm_check", "review_month", "resolve_case", "terminate_case")},
    "backlog_sweep": frozenset({_R.SUPERVISOR}),
    # supervision (督查督办): the supervisors; the unit answers the letters addressed to it
    **{name: frozenset({_R.SUPERVISOR}) for name in (
        "open_supervision", "close_supervision", "supervision_scan", "list_for_supervision", "lift_listing")},
    "get_supervision": frozenset({_R.SUPERVISOR, _R.LEADER, _R.UNIT_HANDLER}),
    "supervision_letters": frozenset({_R.SUPERVISOR, _R.LEADER, _R.UNIT_HANDLER}),
    "respond_to_letter": frozenset({_R.UNIT_HANDLER}),
    "get_listing": frozenset({_R.SUPERVISOR, _R.LEADER}),
    "overdue_supervisions": frozenset({_R.SUPERVISOR, _R.LEADER, _R.ANALYST}),
    # statistics (统计) and bulletins (通报): aggregates only, no personal data
    **{name: READERS_OF_FIGURES for name in (
        "summary", "summary_csv", "volume", "volume_csv", "repeats", "mediation_statistics",
        "backlog_statistics", "supervision_statistics", "bulletins", "get_bulletin", "bulletin_csv")},
    **{name: frozenset({_R.ANALYST}) for name in ("compile_bulletin", "publish_bulletin", "correct_bulletin")},
    # operations: dead letters and the audit trail are the administrator's alone
    "dead_letters": frozenset(), "resubmit_dead_letter": frozenset(), "audit": frozenset(),
    # erasure of a petitioner's personal data (PIPL Art. 47): the administrator's alone, and audited
    "erase_petitioner": frozenset(), "erasures": frozenset(),
    "whoami": TOKEN_ROLES,
    # the console's work queues and the repeat check before saving a registration
    "acceptance_worklist": frozenset({_R.CLERK}), "pre_review_worklist": frozenset({_R.CLERK}),
    "assignment_worklist": frozenset({_R.CLERK, _R.UNIT_HANDLER, _R.SUPERVISOR}),
    "possible_repeats": frozenset({_R.CLERK}),
    "letter_worklist": frozenset({_R.UNIT_HANDLER, _R.SUPERVISOR, _R.LEADER}),
}

# Served without a token: the API's description, the pages' static files (what they show is not), and
# the petitioners' self-service, where the query code is the credential (services.gateway_self_service).
PUBLIC = frozenset({"openapi", "home", "dashboard", "dashboard_file", "self_page", "console_page", "console_file",
                    "public_reference", "submit_online", "self_service", "rate_by_code", "request_review_by_code"})


def may_call(principal: Principal, handler: str) -> bool:
    return principal.role is Role.ADMINISTRATOR or principal.role in PERMISSIONS.get(handler, frozenset())


def works_case_of(leader_id: str | None) -> None:
    """A leader works and reads the backlog cases they own (包案); the joint office all of them."""
    principal = current_principal()
    if principal is not None and principal.role is Role.LEADER and principal.user != leader_id:
        raise Forbidden("a leader sees and works only the backlog cases they own")


def sees_leader_cases(principal: Principal | None, leader_id: str | None) -> bool:
    return principal is None or principal.role is not Role.LEADER or principal.user == leader_id


# Who a self-service request acts for: the holder of a query code.
PETITIONER = Principal("petitioner", Role.PETITIONER)
