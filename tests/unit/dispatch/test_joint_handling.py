"""Joint handling (联合办理): the lead unit replies only once every named agency has reported, or
it has recorded why a report will not come."""
from datetime import datetime
from uuid import uuid4

import pytest

from dispatch.policy import HandlingPolicy
from dispatch.domain import Assignment
from dispatch.joint_handling import ReportsOutstanding
from shared.clock import BEIJING
from shared.errors import Conflict, InvalidCommand
from shared.workdays import WorkingDayCalendar
from support import REPLY

AT = datetime(2026, 11, 10, 10, tzinfo=BEIJING)


@pytest.fixture
def signed():
    assignment = Assignment.assign(uuid4(), petition_id=uuid4(), unit_id="u", region_code="150623",
                                   category="neighbourhood_dispute", matter_type="complaint", accepted_at=AT,
                                   calendar=WorkingDayCalendar(), policy=HandlingPolicy(pre_review=False))
    assignment.sign("u", AT)
    return assignment


def reply(assignment):
    assignment.give_reply(REPLY["outcome"], REPLY["opinion"], REPLY["signatures"], AT)


def test_the_reply_waits_for_every_named_agency(signed):
    signed.request_joint_handling(["police110", "court"], AT)
    with pytest.raises(ReportsOutstanding) as waiting:
        reply(signed)
    assert "police110" in str(waiting.value) and "court" in str(waiting.value)
    signed.record_joint_report("police110", "已出警调查，系邻里纠纷", AT)
    signed.record_joint_report("police110", "重复上报", AT)  # a redelivered report changes nothing
    assert signed.joint["police110"]["report"]["result"] == "已出警调查，系邻里纠纷"
    with pytest.raises(ReportsOutstanding):
        reply(signed)
    signed.waive_joint_report("court", "法院答复不属于其职责范围", "承办人王某", AT)
    reply(signed)
    assert signed.status == "replied"


def test_only_known_agencies_can_be_asked_and_only_once(signed):
    with pytest.raises(InvalidCommand):
        signed.request_joint_handling(["fire119"], AT)
    signed.request_joint_handling(["court"], AT)
    with pytest.raises(Conflict):
        signed.request_joint_handling(["court"], AT)


def test_a_report_from_an_agency_not_asked_is_refused(signed):
    with pytest.raises(Conflict):
        signed.record_joint_report("court", "未经请求的报告", AT)


def test_a_waiver_needs_a_reason_and_cannot_replace_a_report(signed):
    signed.request_joint_handling(["court"], AT)
    with pytest.raises(InvalidCommand) as refused:
        signed.waive_joint_report("court", " ", "王某", AT)
    assert "reason" in refused.value.errors
    signed.record_joint_report("court", "已立案审查", AT)
    with pytest.raises(Conflict):
        signed.waive_joint_report("court", "不再需要", "王某", AT)
