"""A command that lost a race with a concurrent one is judged again against the new state."""
import pytest
from eventsourcing.persistence import IntegrityError

from shared import errors
from shared.commands import command


class Service:
    name = "dispatch"

    def __init__(self, outcomes):
        self.outcomes = list(outcomes)
        self.calls = 0

    @command("sign")
    def sign(self):
        self.calls += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_a_command_that_lost_the_race_runs_again_and_gets_the_domains_answer():
    class AlreadySigned(errors.Conflict):
        pass

    service = Service([IntegrityError("version taken"), AlreadySigned("already signed for")])
    with pytest.raises(errors.Conflict) as refused:
        service.sign()
    assert type(refused.value) is errors.Conflict  # sent as the wire error the gateway maps to 409
    assert str(refused.value) == "already signed for" and service.calls == 2


def test_a_command_that_wins_on_the_second_try_succeeds():
    assert Service([IntegrityError("version taken"), "signed"]).sign() == "signed"


def test_a_record_that_keeps_changing_is_a_conflict_not_a_crash():
    service = Service([IntegrityError("taken")] * 3)
    with pytest.raises(errors.Conflict):
        service.sign()
    assert service.calls == 3


def test_field_errors_survive_the_wire():
    service = Service([errors.InvalidCommand("incomplete", {"opinion": {"facts": ["missing"]}})])
    with pytest.raises(errors.InvalidCommand) as refused:
        service.sign()
    assert refused.value.args == ("incomplete", {"opinion": {"facts": ["missing"]}})
