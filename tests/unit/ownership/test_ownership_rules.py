"""Leader case ownership (领导包案), rule by rule: when a matter becomes a backlog case (信访积案) —
its third repeat petition, 90 days unresolved after acceptance, still unsatisfied after re-review,
or by hand — each matter once however often and however it is triggered; one leader, one task
force, one plan (一案一领导一专班一方案) with the leaders' history kept; the three meetings (三见面)
and four checks (四不放过) before a case is closed as resolved (案结事了); monthly reviews, each
missed month flagged once; and what the case tells others.

Every test name carries [L]: all of it is local policy (DOMAIN.md §6). The policy is driven by what
intake, dispatch and mediation really publish: the three run in memory and their notification logs,
translated by their own published languages, are followed as the service's followers do.
"""
import json
from datetime import date, datetime, timedelta
from uuid import uuid4

import pytest

from dispatch.application import DispatchApplication, assignment_id_for
from dispatch.policy import HandlingPolicy
from dispatch.published import translate as dispatch_translate
from dispatch.routing import RoutingTable
from intake.application import IntakeApplication
from intake.published import translate as intake_translate
from mediation.application import MediationApplication, mediation_id_for
from mediation.pool import MediatorPool
from mediation.published import translate as mediation_translate
from ownership.application import CaseNotFound, OwnershipApplication
from ownership.designation import TRIGGER_NAMES, TRIGGERS, DesignationPolicy
from ownership.domain import CHECK_NAMES, CHECKS, MEETING_NAMES, MEETINGS, CaseClosed, case_id_for
from ownership.published import translate
from ownership.register import CaseRegister
from shared.actors import SYSTEM, acting_as
from shared.clock import BEIJING, FixedClock
from shared.errors import Conflict, InvalidCommand
from shared.feed import NotificationFeed
from shared.follower import Follower
from shared.reference import load_reference
from shared.workdays import WorkingDayCalendar
from support import REPLY, id_number

ENV = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
CALENDAR = WorkingDayCalendar(overrides_dir=None)
REFERENCE = load_reference()
ROUTING = RoutingTable.from_reference(REFERENCE)
REGION = "150623101001"  # 鄂托克前旗 上海庙镇
CATEGORY = "land_grassland_rights"
TEXT = {"subject": "草牧场边界纠纷", "content": "与邻村就草牧场边界发生争议，请求依法确权。"}
REVIEW_OPINION = {"findings": "原处理意见认定事实清楚。", "result": "维持原处理意见。",
                  "legal_basis": "《信访工作条例》第三十五条", "remedy": "可于30日内请求复核。"}
RE_REVIEW_OPINION = {"findings": "复查意见程序合法。", "result": "维持复查意见，复核终结。",
                     "legal_basis": "《信访工作条例》第三十六条", "remedy": "同一事实和理由不再受理。"}
LEADER = {"id": "leader-etkqq-01", "name": "王副旗长", "post": "鄂托克前旗人民政府副旗长", "level": "county"}
SECOND_LEADER = {"id": "leader-ordos-07", "name": "李副市长", "post": "鄂尔多斯市人民政府副市长", "level": "city"}
TASK_FORCE = ["旗信访局张某", "自然资源局赵某", "上海庙镇刘某"]
PLAN = {"steps": ["调阅确权档案", "组织双方现场勘界", "依法出具处理意见"], "target_date": date(2027, 6, 30)}
# Free text that stays inside ownership: none of it may travel on the bus.
MEETING_NOTES = {"materials": "调阅二〇一九年确权图及历次处理意见。", "petitioner": "与信访人面谈两小时，诉求为恢复原界桩。",
                 "site": "到争议草场实地踏勘，界桩确已移位。"}
CHECK_EVIDENCE = {"facts_clear": "勘界报告第3号", "claims_resolved": "界桩已按确权图恢复，信访人签字确认",
                  "policy_implemented": "草原补奖资金已补发", "accountability_pursued": "对原嘎查干部予以诫勉谈话"}
PROGRESS = "本月完成现场勘界，正在起草处理意见。"


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING)


NOW = at(2026, 11, 2, 9, 30)  # a Monday


class World:
    """Intake, dispatch, mediation and ownership in memory, on one clock; each follows the others'
    notification logs as its followers do (dispatch and mediation follow intake and dispatch;
    ownership follows intake, dispatch and mediation, in that order, as Context.catch_up does)."""

    def __init__(self, policy: DesignationPolicy | None = None, start: datetime = NOW):
        self.clock = FixedClock(start)
        self.intake = IntakeApplication(ENV, pseudonym_key=b"k", clock=self.clock, calendar=CALENDAR)
        self.dispatch = DispatchApplication(ENV, routing=ROUTING, clock=self.clock, calendar=CALENDAR,
                                            policy=HandlingPolicy(pre_review=False))
        self.mediation = MediationApplication(ENV, pool=MediatorPool(REFERENCE.mediators), clock=self.clock,
                                              calendar=CALENDAR, agency_categories=REFERENCE.agency_categories)
        self.ownership = OwnershipApplication(ENV, policy=policy, clock=self.clock)
        self.feeds = {"intake": NotificationFeed("intake", self.intake, intake_translate),
                      "dispatch": NotificationFeed("dispatch", self.dispatch, dispatch_translate),
                      "mediation": NotificationFeed("mediation", self.mediation, mediation_translate)}
        self.links = [self.follower("dispatch", self.dispatch, "intake"),
                      self.follower("mediation", self.mediation, "intake"),
                      self.follower("mediation", self.mediation, "dispatch")]
        self.owner_followers = self.following()
        self.others = 100  # petitioners of matters of their own

    def follower(self, service: str, app, source: str) -> Follower:
        feed = self.feeds[source]
        return Follower(service, source, app, lambda after, limit: feed.read(after, limit)[0])

    def following(self, order=("intake", "dispatch", "mediation")) -> dict[str, Follower]:
        """Ownership's followers, as a (re)started ownership container makes them."""
        return {source: self.follower("ownership", self.ownership, source) for source in order}

    def sync(self) -> None:
        for link in self.links:
            link.catch_up()
        for follower in self.owner_followers.values():
            follower.catch_up()

    # -- intake ----------------------------------------------------------------------------------
    def register(self, n: int = 1, received_at: datetime | None = None, **changes):
        petitioner = {"name": "测试某某", "id_number": id_number(f"15062319800101{n:03d}"), "phone": f"138{n:08d}"}
        fields = {"channel": "visit", "petitioner": petitioner, "region_code": REGION, "category": CATEGORY,
                  **TEXT, "received_at": received_at or self.clock.now(), **changes}
        petition = self.intake.register(uuid4(), **fields)
        self.sync()
        return petition

    def repeats(self, first, count: int, n: int = 1) -> list:
        """`count` more petitions of the same person on the same matter, a day apart."""
        made = []
        for _ in range(count):
            self.clock.advance(days=1)
            repeat = self.register(n, region_code=first.region_code[:6] + "102")  # same county, same matter
            assert repeat.repeat_of == first.id
            made.append(repeat)
        return made

    def accepted(self, n: int = 1, decided_at: datetime | None = None):
        petition = self.register(n)
        self.intake.decide_acceptance(petition.id, "accepted", "属本机关受理范围", decided_at=decided_at)
        self.sync()
        return petition

    # -- dispatch ----------------------------------------------------------------------------------
    def replied(self, petition) -> object:
        assignment_id = assignment_id_for(petition.id)
        self.dispatch.sign(assignment_id, self.dispatch.get_assignment(assignment_id).unit_id)
        self.dispatch.reply(assignment_id, **REPLY)
        self.sync()
        return assignment_id

    def rated(self, petition, rating: str | None):
        assignment_id = self.replied(petition)
        if rating:
            self.dispatch.evaluate(assignment_id, rating)
            self.sync()
        return assignment_id

    def reviewed(self, assignment_id) -> None:
        """复查 answered by the body the assignment names."""
        self.clock.advance(days=2)
        self.dispatch.request_review(assignment_id, "对处理意见不服。")
        reviewer = self.dispatch.get_assignment(assignment_id).reviews["review"]["reviewer_unit"]
        self.clock.advance(days=10)
        self.dispatch.decide_review(assignment_id, reviewer, "upheld", REVIEW_OPINION)
        self.sync()

    def re_reviewed(self, assignment_id) -> datetime:
        """复核 answered by the body the assignment names; returns when."""
        self.clock.advance(days=2)
        self.dispatch.request_review(assignment_id, "对复查意见仍不服。")
        reviewer = self.dispatch.get_assignment(assignment_id).reviews["re_review"]["reviewer_unit"]
        self.clock.advance(days=10)
        self.dispatch.decide_review(assignment_id, reviewer, "upheld", RE_REVIEW_OPINION)
        self.sync()
        return self.clock.now()

    # -- ownership ---------------------------------------------------------------------------------
    def case(self, petition):
        try:
            return self.ownership.get_case(case_id_for(petition.id))
        except CaseNotFound:
            return None

    def published(self) -> list[dict]:
        return NotificationFeed("ownership", self.ownership, translate).read(0, 1000)[0]

    def designated(self) -> list[dict]:
        return [e["data"] for e in self.published() if e["type"] == "ownership.designated"]


@pytest.fixture
def world():
    return World()


def designated_by_hand(world, reason="多年未化解的土地权属争议"):
    world.others += 1
    petition = world.register(world.others)  # a matter of its own
    with acting_as("联席办某"):
        return world.ownership.designate(petition.id, reason)


def owned(world, leader=LEADER):
    case = designated_by_hand(world)
    world.ownership.assign_leader(case.id, leader, TASK_FORCE, PLAN)
    return case.id


def complete(world, case_id, meetings=MEETINGS, checks=CHECKS):
    for kind in meetings:
        world.ownership.record_meeting(case_id, kind, date(2026, 11, 2), MEETING_NOTES[kind])
    for kind in checks:
        world.ownership.confirm_check(case_id, kind, CHECK_EVIDENCE[kind])


# -- [L] the policy, with the seed reports' values as defaults ---------------------------------

def test_L_the_bureaus_policy_ships_the_seed_reports_defaults():
    shipped = DesignationPolicy.from_settings(REFERENCE.policy["backlog"])
    assert shipped == DesignationPolicy() == DesignationPolicy(unresolved_days=90, repeat_petitions=3,
                                                               unsatisfied_after_re_review=True)
    assert DesignationPolicy.from_settings({"repeat_petitions": 5}) == DesignationPolicy(repeat_petitions=5)
    assert TRIGGERS == ("unresolved", "repeats", "unsatisfied_after_re_review", "manual")
    assert [TRIGGER_NAMES[t] for t in TRIGGERS] == ["受理后久拖未结", "反复信访", "复核后仍不满意", "人工认定"]


# -- [L] repeats: the third repeat petition designates the matter -------------------------------

def test_L_third_repeat_petition_designates_the_matter(world):
    first = world.register()
    world.repeats(first, 2)
    assert world.case(first) is None  # two repeats are not yet a backlog case

    [third] = world.repeats(first, 1)
    case = world.case(first)
    assert (case.trigger, case.status, case.petition_id) == ("repeats", "designated", first.id)
    assert case.reason == "反复信访：同一事项重复信访3次"
    assert (case.region_code, case.category) == (REGION, CATEGORY)  # the first petition's
    assert case.designated_at == third.received_at
    assert case.leader is None and case.leaders == []
    assert world.designated() == [{"case_id": str(case.id), "petition_id": str(first.id), "trigger": "repeats",
                                   "region_code": REGION, "category": CATEGORY,
                                   "designated_at": third.received_at.isoformat()}]
    assert world.ownership.cases() == [case]


@pytest.mark.parametrize("threshold", [2, 5])
def test_L_how_many_repeats_make_a_backlog_case_is_the_bureaus_policy(threshold):
    world = World(DesignationPolicy(repeat_petitions=threshold))
    first = world.register()
    world.repeats(first, threshold - 1)
    assert world.case(first) is None
    world.repeats(first, 1)
    assert world.case(first).reason == f"反复信访：同一事项重复信访{threshold}次"


def test_L_repeats_policy_zero_turns_the_trigger_off():
    world = World(DesignationPolicy(repeat_petitions=0))
    first = world.register()
    world.repeats(first, 6)
    assert world.case(first) is None and world.designated() == []


def test_L_another_persons_or_another_matters_petitions_are_not_repeats(world):
    first = world.register(1)
    for n in (2, 3, 4):
        world.register(n)  # other petitioners on the same subject: matters of their own
    for category in ("social_security", "housing_expropriation", "labour_dispute"):
        world.register(1, category=category)  # the same petitioner on other matters
    assert world.case(first) is None and world.designated() == []


# -- [L] unresolved 90 days after acceptance: the sweep ----------------------------------------

def test_L_a_matter_unresolved_90_days_after_acceptance_is_designated_by_the_sweep(world):
    petition = world.accepted()  # accepted on 2 November 2026: day 90 is 31 January 2027
    world.clock.at = at(2027, 3, 1)
    app = world.ownership
    assert app.sweep_unresolved(date(2027, 1, 30))["designated"] == 0  # day 89
    assert app.sweep_unresolved(date(2027, 1, 31))["designated"] == 0  # day 90 has not ended yet
    assert world.case(petition) is None

    swept = app.sweep_unresolved(date(2027, 2, 1))
    assert swept == {"as_of": "2027-02-01", "swept_from": "2027-01-31", "designated": 1}
    case = world.case(petition)
    assert (case.trigger, case.petition_id, case.reason) == ("unresolved", petition.id, "受理后久拖未结：受理后90日仍未化解")
    assert case.designated_at == world.clock.now()


def test_L_the_90_days_are_counted_from_the_beijing_date_of_acceptance(world):
    # 16:30 UTC on 2 November is 00:30 on 3 November in Beijing: day 90 is 1 February.
    world.clock.at = at(2026, 11, 3, 0, 30)
    petition = world.register()
    world.intake.decide_acceptance(petition.id, "accepted", "属本机关受理范围",
                                   decided_at=datetime.fromisoformat("2026-11-02T16:30:00+00:00"))
    world.sync()
    world.clock.at = at(2027, 3, 1)
    assert world.ownership.sweep_unresolved(date(2027, 2, 1))["designated"] == 0
    assert world.ownership.sweep_unresolved(date(2027, 2, 2))["designated"] == 1
    assert world.case(petition).trigger == "unresolved"


def test_L_the_unresolved_days_are_the_bureaus_policy():
    world = World(DesignationPolicy(unresolved_days=30))
    petition = world.accepted()
    world.clock.at = at(2027, 3, 1)
    assert world.ownership.sweep_unresolved(date(2026, 12, 2))["designated"] == 0  # day 30 still running
    assert world.ownership.sweep_unresolved(date(2026, 12, 3))["designated"] == 1
    assert world.case(petition).reason == "受理后久拖未结：受理后30日仍未化解"


@pytest.mark.parametrize("rating, designated", [("satisfied", False), ("basically_satisfied", False),
                                                ("unsatisfied", True), (None, True)])
def test_L_a_matter_rated_satisfied_is_not_designated_by_the_sweep(world, rating, designated):
    petition = world.accepted()
    world.rated(petition, rating)
    world.clock.at = at(2027, 3, 1)
    assert world.ownership.sweep_unresolved()["designated"] == int(designated)
    assert (world.case(petition) is not None) == designated


def test_L_a_matter_whose_mediation_agreed_is_not_designated_by_the_sweep(world):
    agreed, failed = world.accepted(1), world.accepted(2)
    for petition in (agreed, failed):
        assignment_id = assignment_id_for(petition.id)
        world.dispatch.sign(assignment_id, world.dispatch.get_assignment(assignment_id).unit_id)
        world.dispatch.request_mediation(assignment_id, "people", "草场边界争议双方均愿意调解。")
    world.sync()
    mediation, other = (mediation_id_for("petition", str(p.id)) for p in (agreed, failed))
    for mediation_id in (mediation, other):
        for party in ({"name": "巴特尔", "role": "applicant"}, {"name": "乌云其其格", "role": "respondent"}):
            world.mediation.add_party(mediation_id, party)
        for party in (0, 1):
            world.mediation.record_consent(mediation_id, party, True)
        world.mediation.assign_mediator(mediation_id, "med-etkqq-01")
    world.clock.advance(days=3)
    world.mediation.reach_agreement(
        mediation, "双方草牧场相邻，因界桩移位发生争执。", "草牧场东侧边界的走向。",
        [{"content": "以2019年确权图为准重新埋设界桩", "manner": "双方到场共同埋设", "due": "2026年12月31日前"}],
        [{"role": "party", "party": 0, "name": "巴特尔"}, {"role": "party", "party": 1, "name": "乌云其其格"},
         {"role": "mediator", "name": "额尔敦"}])
    world.mediation.fail(other, "双方分歧较大")
    world.sync()

    world.clock.at = at(2027, 3, 1)
    assert world.ownership.sweep_unresolved()["designated"] == 1
    assert world.case(agreed) is None
    assert world.case(failed).trigger == "unresolved"  # a failed layer resolves nothing


def test_L_the_sweep_reads_each_day_once(world):
    first = world.accepted(1)
    world.clock.at = at(2027, 3, 1)
    app = world.ownership
    assert app.sweep_unresolved(date(2027, 2, 10)) == {"as_of": "2027-02-10", "swept_from": "2026-01-06",
                                                       "designated": 1}  # a first sweep looks 400 days back
    again = app.sweep_unresolved(date(2027, 2, 10))
    assert again == {"as_of": "2027-02-10", "swept_from": "2027-02-10", "designated": 0}
    # A matter accepted long ago but only now followed falls due on a day already swept: it joins
    # the first day the sweep has yet to read, and is designated by the next sweep.
    world.clock.at = at(2026, 11, 2, 9, 15)
    late = world.register(2)
    world.intake.decide_acceptance(late.id, "accepted", "属本机关受理范围")
    world.clock.at = at(2027, 3, 1)
    world.sync()
    assert app.sweep_unresolved(date(2027, 2, 11)) == {"as_of": "2027-02-11", "swept_from": "2027-02-10",
                                                       "designated": 1}
    assert world.case(late).trigger == "unresolved"
    # Days read again on an operator's say (`since`) designate nothing twice.
    assert app.sweep_unresolved(date(2027, 2, 11), since=date(2027, 1, 1))["designated"] == 0
    assert len(app.cases()) == 2 and world.case(first) is not None


def test_L_a_sweep_as_of_a_future_date_is_refused(world):
    world.accepted()
    world.clock.at = at(2027, 2, 10, 23, 59)
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.sweep_unresolved(date(2027, 2, 11))
    assert set(refused.value.errors) == {"as_of"}
    assert world.ownership.sweep_unresolved()["as_of"] == "2027-02-10"  # today, in Beijing


# -- [L] still unsatisfied after re-review (复核) --------------------------------------------------

@pytest.mark.parametrize("rating", ["unsatisfied", None])
def test_L_unsatisfied_or_unrated_after_re_review_designates_the_matter(world, rating):
    petition = world.accepted()
    assignment_id = world.rated(petition, rating)
    world.reviewed(assignment_id)
    assert world.case(petition) is None  # 复查 alone is not enough
    decided_at = world.re_reviewed(assignment_id)
    case = world.case(petition)
    assert (case.trigger, case.reason, case.petition_id) == ("unsatisfied_after_re_review", "复核后仍不满意",
                                                             petition.id)
    assert case.designated_at == decided_at


@pytest.mark.parametrize("rating", ["satisfied", "basically_satisfied"])
def test_L_a_matter_rated_satisfied_is_not_designated_after_re_review(world, rating):
    petition = world.accepted()
    assignment_id = world.rated(petition, rating)
    world.reviewed(assignment_id)
    world.re_reviewed(assignment_id)
    assert world.case(petition) is None and world.designated() == []


def test_L_re_review_policy_off_designates_nothing():
    world = World(DesignationPolicy(unsatisfied_after_re_review=False))
    petition = world.accepted()
    assignment_id = world.rated(petition, "unsatisfied")
    world.reviewed(assignment_id)
    world.re_reviewed(assignment_id)
    assert world.case(petition) is None and world.designated() == []


def test_L_re_review_designates_whichever_log_ownership_reads_first(world):
    petition = world.accepted()
    assignment_id = world.rated(petition, "unsatisfied")
    world.reviewed(assignment_id)
    world.re_reviewed(assignment_id)
    assert world.case(petition) is not None
    # An ownership started afresh on the same history, catching up as Context._catch_up_at_start does.
    world.ownership = OwnershipApplication(ENV, clock=world.clock)
    for follower in world.following(order=sorted(("intake", "dispatch", "mediation"))).values():
        follower.catch_up()
    assert world.case(petition) is not None


# -- [L] each matter once: however many triggers, deliveries or hands ----------------------------

def test_L_two_triggers_on_one_matter_make_one_case(world):
    first = world.register()
    world.intake.decide_acceptance(first.id, "accepted", "属本机关受理范围")
    world.sync()
    world.repeats(first, 3)
    assert world.case(first).trigger == "repeats"
    # Everything else that would designate it: a fourth repeat, the re-review, the 90 days.
    world.repeats(first, 1)
    assignment_id = world.rated(first, "unsatisfied")
    world.reviewed(assignment_id)
    world.re_reviewed(assignment_id)
    world.clock.at = at(2027, 3, 1)
    assert world.ownership.sweep_unresolved()["designated"] == 0

    case = world.case(first)
    assert case.trigger == "repeats"
    assert [type(e).__name__ for e in world.ownership.history(case.id)] == ["Designated"]
    assert world.ownership.repository.get(CaseRegister.ID).case_ids == [case.id]
    assert len(world.designated()) == 1


def test_L_the_same_events_delivered_again_designate_nothing_more(world):
    first = world.register()
    world.repeats(first, 3)
    petition = world.accepted(2)
    assignment_id = world.rated(petition, "unsatisfied")
    world.reviewed(assignment_id)
    world.re_reviewed(assignment_id)
    published = world.published()
    assert sorted(d["trigger"] for d in world.designated()) == ["repeats", "unsatisfied_after_re_review"]

    # The broker delivers every event again, to the running followers ...
    for source, follower in world.owner_followers.items():
        for envelope in world.feeds[source].read(0, 1000)[0]:
            follower.receive(envelope)
    # ... and to a restarted container's followers, which also catch up from where ownership got.
    restarted = world.following()
    for source, follower in restarted.items():
        for envelope in world.feeds[source].read(0, 1000)[0]:
            follower.receive(envelope)
        assert follower.catch_up() == 0
    assert world.published() == published
    assert len(world.ownership.cases()) == 2


def test_L_designating_a_designated_matter_by_hand_returns_its_case(world):
    first = world.register()
    world.repeats(first, 3)
    with acting_as("联席办某"):
        case = world.ownership.designate(first.id, "领导批示列为积案")
    assert (case.id, case.trigger) == (case_id_for(first.id), "repeats")
    assert [type(e).__name__ for e in world.ownership.history(case.id)] == ["Designated"]
    assert len(world.designated()) == 1


def test_L_designating_a_repeat_petition_by_hand_designates_its_first_petition(world):
    first = world.register()
    [repeat] = world.repeats(first, 1)
    case = world.ownership.designate(repeat.id, "信访人多次越级走访，列为积案")
    assert (case.id, case.petition_id, case.trigger) == (case_id_for(first.id), first.id, "manual")
    assert (case.reason, case.category) == ("信访人多次越级走访，列为积案", CATEGORY)
    assert case.designated_at == world.clock.now()
    assert world.ownership.designate(first.id, "再次认定").id == case.id
    # Later repeats find the matter a case already.
    world.repeats(first, 2)
    assert world.case(first).trigger == "manual" and len(world.designated()) == 1


def test_L_a_matter_designated_by_hand_through_a_repeat_keeps_its_first_petitions_region(world):
    first = world.register()
    [repeat] = world.repeats(first, 1)
    assert repeat.region_code != first.region_code
    case = world.ownership.designate(repeat.id, "信访人多次越级走访，列为积案")
    assert case.region_code == first.region_code == REGION


def test_L_designation_by_hand_needs_a_reason_and_an_unseen_petitions_region_and_category(world):
    unseen = uuid4()
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.designate(unseen, "历史遗留问题")
    assert "region_code" in refused.value.errors
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.designate(unseen, "   ", region_code="150623", category=CATEGORY)
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.designate(unseen, "历史遗留问题", "150623", CATEGORY, world.clock.now() + timedelta(days=1))
    assert set(refused.value.errors) == {"designated_at"}
    case = world.ownership.designate(unseen, "历史遗留问题", "150623", CATEGORY, at(2026, 10, 8))
    assert (case.petition_id, case.region_code, case.designated_at) == (unseen, "150623", at(2026, 10, 8))


# -- [L] one case, one leader, one task force, one plan (一案一领导一专班一方案) -------------------------

def test_L_a_case_is_owned_by_one_leader_with_a_task_force_and_a_plan(world):
    case = designated_by_hand(world)
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.assign_leader(case.id, {"id": "x", "name": " ", "level": "county"}, [], {"steps": []})
    assert set(refused.value.errors) == {"leader", "task_force", "plan"}
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.assign_leader(case.id, {**LEADER, "level": "province"}, TASK_FORCE, PLAN)
    assert set(refused.value.errors) == {"leader"}
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.assign_leader(case.id, LEADER, TASK_FORCE, {"steps": PLAN["steps"]})
    assert set(refused.value.errors) == {"plan"}

    owned_case = world.ownership.assign_leader(case.id, LEADER, TASK_FORCE, PLAN)
    assert (owned_case.status, owned_case.leader, owned_case.task_force) == ("owned", LEADER, TASK_FORCE)
    assert owned_case.plan["steps"] == PLAN["steps"]
    assert owned_case.leaders == [{**LEADER, "from": world.clock.now()}]


def test_L_reassignment_keeps_the_leaders_history(world):
    case_id = owned(world)
    first_from = world.clock.now()
    world.clock.advance(days=40)
    case = world.ownership.assign_leader(case_id, SECOND_LEADER, ["市信访局孙某"],
                                         {"steps": ["市级督办"], "target_date": "2027-09-30"})
    assert case.leader == SECOND_LEADER and case.task_force == ["市信访局孙某"]
    assert case.leaders == [{**LEADER, "from": first_from}, {**SECOND_LEADER, "from": world.clock.now()}]
    assigned = [e["data"] for e in world.published() if e["type"] == "ownership.leader_assigned"]
    assert [(d["leader"]["id"], d["previous_leader"]) for d in assigned] == [
        (LEADER["id"], None), (SECOND_LEADER["id"], LEADER["id"])]
    assert assigned[1]["target_date"] == "2027-09-30"
    assert world.ownership.cases(leader=LEADER["id"]) == []  # the case is now on the new leader's list
    assert world.ownership.cases(leader=SECOND_LEADER["id"]) == [case]


def test_L_a_leaders_case_list_holds_their_own_cases(world):
    mine = [owned(world) for _ in range(2)]
    theirs = owned(world, SECOND_LEADER)
    unowned = designated_by_hand(world).id
    complete(world, mine[1])
    world.ownership.resolve(mine[1], "界桩恢复，信访人息诉罢访")
    app = world.ownership
    assert [c.id for c in app.cases(leader=LEADER["id"])] == mine
    assert [c.id for c in app.cases(leader=SECOND_LEADER["id"])] == [theirs]
    assert [c.id for c in app.cases(leader=LEADER["id"], status="owned")] == [mine[0]]
    assert [c.id for c in app.cases(status="designated")] == [unowned]
    assert [c.id for c in app.cases()] == [*mine, theirs, unowned]
    assert app.cases(leader="nobody") == []


# -- [L] 三见面、四不放过 before 案结事了 ------------------------------------------------------------

def test_L_resolution_waits_for_a_leader_three_meetings_and_four_checks(world):
    case = designated_by_hand(world)
    app = world.ownership
    with pytest.raises(Conflict) as refused:
        app.resolve(case.id, "已化解")
    assert type(refused.value) is Conflict  # 409, not a closed case
    message = str(refused.value)
    assert "案结事了" in message and "leader" in message
    assert all(MEETING_NAMES[m] in message for m in MEETINGS) and all(CHECK_NAMES[c] in message for c in CHECKS)

    app.assign_leader(case.id, LEADER, TASK_FORCE, PLAN)
    complete(world, case.id, meetings=("materials", "site"), checks=("facts_clear", "policy_implemented"))
    with pytest.raises(Conflict) as refused:
        app.resolve(case.id, "已化解")
    message = str(refused.value)
    assert "leader" not in message
    assert [MEETING_NAMES[m] in message for m in MEETINGS] == [False, True, False]  # 见信访人 only
    assert [CHECK_NAMES[c] in message for c in CHECKS] == [False, True, False, True]
    assert app.get_case(case.id).missing_for_resolution() == {
        "meetings": ["见信访人"], "checks": ["合理诉求不解决不放过", "责任不追究不放过"]}

    complete(world, case.id, meetings=("petitioner",), checks=("claims_resolved", "accountability_pursued"))
    with pytest.raises(InvalidCommand) as refused:
        app.resolve(case.id, "  ")
    assert set(refused.value.errors) == {"summary"}
    resolved = app.resolve(case.id, "界桩恢复，信访人签字息诉罢访", at(2026, 11, 2, 9))
    assert resolved.status == "resolved"
    assert resolved.outcome == {"outcome": "resolved", "summary": "界桩恢复，信访人签字息诉罢访", "at": at(2026, 11, 2, 9)}
    assert [e["data"]["leader_id"] for e in world.published() if e["type"] == "ownership.resolved"] == [LEADER["id"]]


def test_L_a_missing_leader_is_named_in_the_bureaus_words(world):
    case = designated_by_hand(world)
    complete(world, case.id)
    with pytest.raises(Conflict) as refused:
        world.ownership.resolve(case.id, "已化解")
    assert "包案领导" in str(refused.value)


def test_L_meetings_and_checks_are_the_three_and_the_four_each_with_what_it_found(world):
    case_id = owned(world)
    app = world.ownership
    with pytest.raises(InvalidCommand) as refused:
        app.record_meeting(case_id, "phone_call", date(2026, 11, 2), "电话沟通")
    assert set(refused.value.errors) == {"kind"}
    with pytest.raises(InvalidCommand) as refused:
        app.record_meeting(case_id, "site", date(2026, 11, 2), "  ")
    assert set(refused.value.errors) == {"notes"}
    with pytest.raises(InvalidCommand) as refused:
        app.confirm_check(case_id, "apology_made", "已道歉")
    assert set(refused.value.errors) == {"kind"}
    with pytest.raises(InvalidCommand) as refused:
        app.confirm_check(case_id, "facts_clear", "")
    assert set(refused.value.errors) == {"evidence"}
    case = app.record_meeting(case_id, "site", date(2026, 11, 2), MEETING_NOTES["site"])
    assert case.meetings == {"site": {"held_on": date(2026, 11, 2), "notes": MEETING_NOTES["site"]}}


# -- [L] ended unresolved; a closed case takes no more changes ---------------------------------

def test_L_a_case_ends_unresolved_only_with_a_reason(world):
    case_id = owned(world)
    with pytest.raises(InvalidCommand) as refused:
        world.ownership.terminate(case_id, " ")
    assert set(refused.value.errors) == {"reason"}
    case = world.ownership.terminate(case_id, "信访人已去世，无继承人主张", at(2026, 11, 2, 9, 15))
    assert case.status == "terminated"
    assert case.outcome == {"outcome": "terminated", "reason": "信访人已去世，无继承人主张", "at": at(2026, 11, 2, 9, 15)}
    [ended] = [e["data"] for e in world.published() if e["type"] == "ownership.terminated"]
    assert (ended["leader_id"], ended["terminated_at"]) == (LEADER["id"], at(2026, 11, 2, 9, 15).isoformat())


@pytest.mark.parametrize("ending", ["resolved", "terminated"])
def test_L_a_closed_case_takes_no_more_changes(world, ending):
    case_id = owned(world)
    complete(world, case_id)
    if ending == "resolved":
        world.ownership.resolve(case_id, "已化解")
    else:
        world.ownership.terminate(case_id, "依法终结")
    before = len(world.ownership.history(case_id))
    app = world.ownership
    for change in (lambda: app.assign_leader(case_id, SECOND_LEADER, TASK_FORCE, PLAN),
                   lambda: app.record_meeting(case_id, "site", date(2026, 11, 2), "再次踏勘"),
                   lambda: app.confirm_check(case_id, "facts_clear", "补充证据"),
                   lambda: app.review_month(case_id, "2026-11", PROGRESS),
                   lambda: app.resolve(case_id, "已化解"),
                   lambda: app.terminate(case_id, "终结")):
        with pytest.raises(CaseClosed, match=ending):
            change()
    world.clock.at = at(2027, 6, 1)
    assert app.flag_missed_reviews()["flagged"] == 0  # no month of a closed case is missed
    assert len(app.history(case_id)) == before


# -- [L] monthly review -------------------------------------------------------------------------

def test_L_months_without_review_run_across_the_year_boundary(world):
    world.clock.at = at(2026, 11, 20)
    case = designated_by_hand(world)  # designated in November: its first whole month is December
    world.clock.at = at(2027, 2, 5)
    world.ownership.review_month(case.id, "2027-01", PROGRESS)
    case = world.ownership.get_case(case.id)
    assert case.months_without_review(date(2026, 12, 31)) == []
    assert case.months_without_review(date(2027, 1, 1)) == ["2026-12"]
    assert case.months_without_review(date(2027, 3, 1)) == ["2026-12", "2027-02"]
    world.clock.at = at(2027, 12, 5)
    assert world.ownership.flag_missed_reviews(date(2027, 12, 5))["flagged"] == 11  # Dec 2026, Feb–Nov 2027
    december = designated_by_hand(world)
    assert december.designated_at == at(2027, 12, 5)
    assert december.months_without_review(date(2028, 2, 1)) == ["2028-01"]


def test_L_each_missed_month_is_flagged_once(world):
    world.clock.at = at(2026, 11, 20)
    case_id = owned(world)
    world.clock.at = at(2027, 3, 10)
    app = world.ownership
    assert app.flag_missed_reviews() == {"as_of": "2027-03-10", "flagged": 3}
    assert app.flag_missed_reviews() == {"as_of": "2027-03-10", "flagged": 0}
    world.clock.at = at(2027, 4, 2)
    app.review_month(case_id, "2027-03", PROGRESS)
    assert app.flag_missed_reviews()["flagged"] == 0  # March was reviewed (late, but reviewed)
    world.clock.at = at(2027, 5, 2)
    assert app.flag_missed_reviews()["flagged"] == 1  # April
    case = app.get_case(case_id)
    assert case.missed_reviews == ["2026-12", "2027-01", "2027-02", "2027-04"]
    missed = [e["data"] for e in world.published() if e["type"] == "ownership.review_missed"]
    assert [(d["month"], d["leader_id"], d["region_code"]) for d in missed] == [
        (m, LEADER["id"], REGION) for m in case.missed_reviews]


def test_L_a_month_is_reviewed_once_it_has_begun(world):
    case_id = owned(world)
    world.clock.at = at(2026, 12, 31, 23, 59)
    app = world.ownership
    with pytest.raises(InvalidCommand) as refused:
        app.review_month(case_id, "2027-01", PROGRESS)
    assert set(refused.value.errors) == {"month"}
    for malformed in ("2026-13", "2026-1", "2026/12", "十二月"):
        with pytest.raises(InvalidCommand):
            app.review_month(case_id, malformed, PROGRESS)
    with pytest.raises(InvalidCommand) as refused:
        app.review_month(case_id, "2026-12", " ")
    assert set(refused.value.errors) == {"progress"}
    case = app.review_month(case_id, "2026-12", PROGRESS)
    assert case.reviews == {"2026-12": {"progress": PROGRESS, "reviewed_on": date(2026, 12, 31)}}


def test_L_missed_reviews_are_not_flagged_ahead_of_time(world):
    owned(world)
    world.clock.at = at(2027, 1, 10)
    with pytest.raises(InvalidCommand):
        world.ownership.flag_missed_reviews(date(2027, 12, 1))


# -- every event says who did it; what goes on the bus -----------------------------------------

def test_L_every_event_of_a_case_records_who_did_it(world):
    first = world.register()
    world.repeats(first, 3)  # designated by policy: the system
    case_id = case_id_for(first.id)
    with acting_as("联席办某"):
        world.ownership.assign_leader(case_id, LEADER, TASK_FORCE, PLAN)
    with acting_as("包案领导王某"):
        complete(world, case_id)
    world.clock.at = at(2027, 1, 5)
    with acting_as("专班张某"):
        world.ownership.review_month(case_id, "2026-12", PROGRESS)
    world.ownership.flag_missed_reviews()  # by the timer: the system
    with acting_as("包案领导王某"):
        world.ownership.resolve(case_id, "已化解")
    actors = [(type(e).__name__, e.actor) for e in world.ownership.history(case_id)]
    assert actors == [("Designated", SYSTEM), ("LeaderAssigned", "联席办某"),
                      *[("Met", "包案领导王某")] * 3, *[("Checked", "包案领导王某")] * 4,
                      ("Reviewed", "专班张某"), ("Resolved", "包案领导王某")]
    assert [e["actor"] for e in world.published()] == [actor for _, actor in actors]


def test_L_published_events_carry_no_meeting_notes_evidence_or_progress(world):
    case = designated_by_hand(world, reason="信访人多次进京非访，列为积案")
    case_id = case.id
    world.ownership.assign_leader(case_id, LEADER, TASK_FORCE, PLAN)
    complete(world, case_id)
    world.clock.at = at(2027, 2, 5)
    world.ownership.review_month(case_id, "2027-01", PROGRESS)
    world.ownership.flag_missed_reviews()
    world.ownership.assign_leader(case_id, SECOND_LEADER, ["市信访局孙某"],
                                  {"steps": ["市级督办"], "target_date": date(2027, 9, 30)})
    world.ownership.resolve(case_id, "界桩恢复，信访人签字息诉罢访")
    other = owned(world)
    world.ownership.terminate(other, "信访人已去世，无继承人主张")

    wire = world.published()
    assert {e["type"] for e in wire} == {
        "ownership.designated", "ownership.leader_assigned", "ownership.meeting_recorded",
        "ownership.check_confirmed", "ownership.month_reviewed", "ownership.review_missed", "ownership.resolved",
        "ownership.terminated"}
    text = json.dumps(wire, ensure_ascii=False)
    secrets = [*MEETING_NOTES.values(), *CHECK_EVIDENCE.values(), PROGRESS, "界桩恢复，信访人签字息诉罢访",
               "信访人已去世，无继承人主张", "信访人多次进京非访，列为积案", *TASK_FORCE, "市信访局孙某",
               *PLAN["steps"], "市级督办", "测试某某", "13800000001"]
    assert [s for s in secrets if s in text] == []
    # What others do learn: the kinds, the days, the leader (an official) and the team's size.
    met = [e["data"] for e in wire if e["type"] == "ownership.meeting_recorded"]
    assert [(d["kind"], d["held_on"]) for d in met] == [(m, "2026-11-02") for m in MEETINGS]
    [first_owner, _] = [e["data"] for e in wire if e["type"] == "ownership.leader_assigned" and
                        e["data"]["case_id"] == str(case_id)]
    assert first_owner["leader"] == LEADER and first_owner["task_force_size"] == 3
    assert first_owner["target_date"] == "2027-06-30"
