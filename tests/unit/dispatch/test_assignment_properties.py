"""Properties of an assignment under any sequence of commands (hypothesis stateful testing).

Every command is tried, rightly and wrongly, at moments moving forward from acceptance (by hours or
by weeks, across the 2026 holidays and into 2027). After each step: the status is a known one; a
refused command changed nothing; the stored events replay to the object in memory; the reply exists
exactly in the replied statuses; the handling limit never moves earlier; one extension, two reviews
at most; an accusation never reaches the accused unit.
"""
import copy
from datetime import datetime, timedelta
from uuid import uuid4

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from dispatch.domain import RATINGS, Assignment
from dispatch.policy import HandlingPolicy
from shared.application import ContextApplication
from shared.clock import BEIJING, beijing_date
from shared.errors import DomainError
from shared.workdays import WorkingDayCalendar
from support import REPLY

CALENDAR = WorkingDayCalendar(overrides_dir=None)
LEAD, OTHER, ACCUSED = "etkqq-ziranziyuan", "etkqq-zhujian", "etkqq-gongan"
KNOWN_UNITS = {LEAD, OTHER, ACCUSED, "etkqq-renshe", "etkqq-nongmu"}
REVIEWERS = ("etkqq-zhengfu", "ordos-zhengfu")
STATUSES = {"assigned", "signed", "objected", "pre_review", "replied", "evaluated", "unrated_expired",
            "under_review", "reviewed", "under_re_review", "closed"}
WITH_REPLY = {"replied", "evaluated", "unrated_expired", "under_review", "reviewed", "under_re_review", "closed"}
KEY_FIELDS = ("status", "unit_id", "mode", "procedure", "accused_unit", "sign_deadline", "handling_deadline",
              "objection_deadline", "objection", "moves", "co_units", "extension", "draft", "pre_reviews", "reply",
              "rating", "evaluation_deadline", "reviews", "version")
# Edges: the Friday before Spring Festival, the eve of National Day, an ordinary Friday, the last days of 2026.
STARTS = (datetime(2026, 2, 13, 16, tzinfo=BEIJING), datetime(2026, 9, 30, 11, tzinfo=BEIJING),
          datetime(2026, 11, 6, 17, tzinfo=BEIJING), datetime(2026, 12, 29, 9, tzinfo=BEIJING))
REVIEW_OPINION = {"findings": "事实清楚。", "result": "维持。", "legal_basis": "《信访工作条例》第三十五条",
                  "remedy": "可请求复核。"}

# Most commands come hours apart; `time_passes` moves the clock on by days or weeks.
gaps = st.integers(0, 72).map(lambda h: timedelta(hours=h))


class Store(ContextApplication):
    name = "properties"


class AssignmentMachine(RuleBasedStateMachine):
    @initialize(start=st.sampled_from(STARTS), simple=st.booleans(), pre_review=st.booleans(),
                accusation=st.booleans(), window=st.sampled_from([15, 30]))
    def accept(self, start, simple, pre_review, accusation, window):
        self.now = start
        self.app = Store({"PERSISTENCE_MODULE": "eventsourcing.popo"})
        policy = HandlingPolicy(simple_procedure_categories=frozenset({"urban_management"} if simple else ()),
                                pre_review=pre_review, evaluation_window_days=window)
        self.a = Assignment.assign(uuid4(), petition_id=uuid4(), unit_id=LEAD, region_code="150623",
                                   category="urban_management", matter_type="accusation" if accusation else "complaint",
                                   accepted_at=start, calendar=CALENDAR, policy=policy,
                                   accused_unit=ACCUSED if accusation else None)
        self.app.save(self.a)
        self.latest_deadline = self.a.handling_deadline
        self.refused = self.done = 0

    # -- running a command ----------------------------------------------------------------------
    def tick(self, gap):
        self.now += gap
        return self.now

    def attempt(self, command):
        """Runs the command; a refused one must leave no trace, an accepted one is saved."""
        version, state = self.a.version, copy.deepcopy(self.a.__dict__)
        try:
            result = command()
        except DomainError:
            self.refused += 1
            assert self.a.version == version
            assert self.a.__dict__ == state
            return
        if result is False:  # expire_evaluation: nothing to do
            assert self.a.__dict__ == state
            return
        self.done += 1
        self.app.save(self.a)

    # -- the rules ------------------------------------------------------------------------------
    @rule(right=st.booleans(), gap=gaps)
    def sign(self, right, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.sign(self.a.unit_id if right else "etkqq-renshe", at))

    @rule(reasons=st.sampled_from(["不属于本单位职责", "", "   "]), proposed=st.sampled_from([None, OTHER]), gap=gaps)
    def object_to_dispatch(self, reasons, proposed, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.object_to_dispatch(self.a.unit_id, reasons, proposed, at))

    @rule(upheld=st.booleans(), unit=st.sampled_from([OTHER, LEAD, ACCUSED, "etkqq-renshe", "no-such-unit", None]),
          comment=st.sampled_from(["异议成立", "维持交办", " "]), gap=gaps)
    def decide_objection(self, upheld, unit, comment, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.decide_objection(upheld, unit, comment, at, CALENDAR, KNOWN_UNITS.__contains__))

    @rule(units=st.lists(st.sampled_from(sorted(KNOWN_UNITS) + ["no-such-unit"]), max_size=3), gap=gaps)
    def add_co_units(self, units, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.add_co_units(units, at, KNOWN_UNITS.__contains__))

    @rule(unit=st.sampled_from(sorted(KNOWN_UNITS)), opinion=st.sampled_from(["同意主办单位意见", ""]), gap=gaps)
    def give_co_opinion(self, unit, opinion, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.give_co_opinion(unit, opinion, at))

    @rule(days=st.integers(-1, 35), reason=st.sampled_from(["需补充调查", ""]),
          approved_by=st.sampled_from(["分管领导", " "]), gap=gaps)
    def extend(self, days, reason, approved_by, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.extend(days, reason, approved_by, at, CALENDAR))

    @rule(complete=st.booleans(), gap=gaps)
    def give_reply(self, complete, gap):
        at = self.tick(gap)
        opinion = REPLY["opinion"] if complete else {**REPLY["opinion"], "legal_basis": ""}
        self.attempt(lambda: self.a.give_reply(REPLY["outcome"], opinion, REPLY["signatures"], at))

    @rule(approved=st.booleans(), comments=st.sampled_from(["", "补充法律依据"]), gap=gaps)
    def decide_pre_review(self, approved, comments, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.decide_pre_review(approved, comments, at))

    @rule(rating=st.sampled_from(RATINGS + ("excellent",)), gap=gaps)
    def evaluate(self, rating, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.evaluate(rating, at))

    @rule(gap=gaps)
    def expire_evaluation(self, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.expire_evaluation(beijing_date(at)))

    @rule(reasons=st.sampled_from(["不服处理意见", ""]), reviewer=st.sampled_from(REVIEWERS + (None,)), gap=gaps)
    def request_review(self, reasons, reviewer, gap):
        at = self.tick(gap)
        self.attempt(lambda: self.a.request_review(reasons, reviewer, at, CALENDAR))

    @rule(offset=st.integers(-3, 10), length=st.integers(-2, 5))
    def hold_hearing(self, offset, length):
        held_from = beijing_date(self.now) + timedelta(days=offset)
        self.attempt(lambda: self.a.hold_hearing(held_from, held_from + timedelta(days=length), "听证", CALENDAR))

    @rule(right=st.booleans(), decision=st.sampled_from(["upheld", "revised", "dismissed"]),
          complete=st.booleans(), gap=gaps)
    def decide_review(self, right, decision, complete, gap):
        at = self.tick(gap)
        open_review = self.a.open_review
        unit = open_review["reviewer_unit"] if right and open_review else LEAD
        opinion = REVIEW_OPINION if complete else {**REVIEW_OPINION, "remedy": ""}
        self.attempt(lambda: self.a.decide_review(unit, decision, opinion, at))

    @rule(days=st.integers(1, 40))
    def time_passes(self, days):
        self.tick(timedelta(days=days))

    @rule(gap=gaps)
    def progress(self, gap):
        """The next right step from wherever the matter stands, so that the deep stages (review,
        re-review, closed) are reached more often than random commands would reach them."""
        a, at = self.a, self.tick(gap)
        step = {
            "assigned": lambda: a.sign(a.unit_id, at),
            "signed": lambda: a.give_reply(REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], at),
            "objected": lambda: a.decide_objection(False, None, "维持交办", at, CALENDAR, KNOWN_UNITS.__contains__),
            "pre_review": lambda: a.decide_pre_review(True, "", at),
            "replied": lambda: a.request_review("不服处理意见", REVIEWERS[0], at, CALENDAR),
            "evaluated": lambda: a.request_review("不服处理意见", REVIEWERS[0], at, CALENDAR),
            "unrated_expired": lambda: a.request_review("不服处理意见", REVIEWERS[0], at, CALENDAR),
            "reviewed": lambda: a.request_review("不服复查意见", REVIEWERS[1], at, CALENDAR),
            "under_review": lambda: a.decide_review(a.open_review["reviewer_unit"], "upheld", REVIEW_OPINION, at),
            "under_re_review": lambda: a.decide_review(a.open_review["reviewer_unit"], "upheld", REVIEW_OPINION, at),
            "closed": lambda: a.request_review("还是不服", REVIEWERS[1], at, CALENDAR),
        }[a.status]
        self.attempt(step)

    # -- invariants -----------------------------------------------------------------------------
    @invariant()
    def status_is_known(self):
        assert self.a.status in STATUSES
        event(f"reached {self.a.status}")  # seen with --hypothesis-show-statistics

    @invariant()
    def reply_exactly_in_the_replied_statuses(self):
        assert (self.a.reply is not None) == (self.a.status in WITH_REPLY)
        assert (self.a.draft is not None) == (self.a.status == "pre_review")
        assert (self.a.objection is not None and "rejected" not in self.a.objection) == (self.a.status == "objected")

    @invariant()
    def handling_deadline_never_moves_earlier(self):
        assert self.a.handling_deadline >= self.latest_deadline
        self.latest_deadline = self.a.handling_deadline

    @invariant()
    def stored_events_replay_to_the_state_in_memory(self):
        assert not self.a.collect_events(), "every accepted command was saved"
        stored = self.app.repository.get(self.a.id)
        for name in KEY_FIELDS:
            assert getattr(stored, name) == getattr(self.a, name), name

    @invariant()
    def one_extension_and_two_reviews_at_most(self):
        kinds = [type(e).__name__ for e in self.app.events.get(self.a.id)]
        assert kinds.count("Extended") <= 1
        assert kinds.count("ReviewRequested") == len(self.a.reviews) <= 2
        assert kinds.count("Replied") == (1 if self.a.reply else 0)
        if self.a.extension:
            assert 1 <= self.a.extension["days"] <= 30

    @invariant()
    def never_with_the_accused_unit(self):
        if self.a.accused_unit:
            assert self.a.unit_id != self.a.accused_unit
            assert self.a.accused_unit not in self.a.co_units
        assert self.a.unit_id not in self.a.co_units


AssignmentMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_L_A22_A23_A34_A35_A36_assignment_rules_hold_for_any_sequence_of_commands = AssignmentMachine.TestCase
