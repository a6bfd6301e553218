"""The follower: each source event processed once, in order, gaps filled, poison parked."""
import pytest
from eventsourcing.persistence import OperationalError, RecordConflictError

from shared.follower import Follower


def envelope(position):
    return {"position": position, "type": "petition.registered", "data": {"n": position}}


class FakeProcessor:
    """Records what it processed; `failures` maps a position to the exception to raise."""

    def __init__(self):
        self.position = 0
        self.processed, self.parked, self.failures = [], [], {}

    def tracked_position(self, source):
        return self.position

    def process(self, source, env):
        failure = self.failures.get(env["position"])
        if failure:
            raise failure(env)
        self.processed.append(env["position"])
        self.position = env["position"]

    def park(self, source, env, reason):
        self.parked.append((env["position"], reason))
        self.position = env["position"]


@pytest.fixture
def source():
    return [envelope(p) for p in range(1, 6)]


@pytest.fixture
def processor():
    return FakeProcessor()


@pytest.fixture
def follower(processor, source):
    def fetch(after, limit):
        return [e for e in source if e["position"] > after][:limit]
    return Follower("test", "intake", processor, fetch, max_attempts=3, batch_size=2)


def test_events_pushed_in_order_are_processed_in_order(follower, processor, source):
    for env in source[:3]:
        follower.receive(env)
    assert processor.processed == [1, 2, 3]
    assert follower.tracked == 3


def test_a_redelivered_event_is_processed_once(follower, processor, source):
    follower.receive(source[0])
    follower.receive(source[1])
    follower.receive(source[0])
    follower.receive(source[1])
    assert processor.processed == [1, 2]


def test_a_gap_is_filled_from_the_source_in_order(follower, processor, source):
    follower.receive(source[0])
    follower.receive(source[4])  # 2, 3, 4 lost by the broker
    assert processor.processed == [1, 2, 3, 4, 5]
    follower.receive(source[2])  # the late copy is a duplicate now
    assert processor.processed == [1, 2, 3, 4, 5]


def test_a_conflict_after_another_replica_tracked_the_event_counts_as_duplicate(follower, processor, source):
    def another_replica_did_it(env):
        processor.position = env["position"]
        return RecordConflictError("tracking position taken")
    processor.failures[1] = another_replica_did_it

    follower.receive(source[0])  # does not raise

    assert follower.tracked == 1
    assert processor.processed == [] and processor.parked == []
    del processor.failures[1]
    follower.receive(source[1])
    assert processor.processed == [2]


def test_a_poison_event_is_parked_after_three_attempts_and_the_stream_moves_on(follower, processor, source):
    processor.failures[2] = lambda env: ValueError("cannot parse")
    follower.receive(source[0])
    for _ in range(2):
        with pytest.raises(ValueError):
            follower.receive(source[1])
        assert processor.parked == []
    follower.receive(source[1])  # third attempt: parked, not raised

    assert processor.parked == [(2, "ValueError: cannot parse")]
    follower.receive(source[2])
    assert processor.processed == [1, 3]
    assert follower.tracked == 3


def test_a_transient_failure_is_never_parked(follower, processor, source):
    processor.failures[1] = lambda env: OperationalError("database restarting")
    for _ in range(10):
        with pytest.raises(OperationalError):
            follower.receive(source[0])
    assert processor.parked == [] and follower.tracked == 0

    del processor.failures[1]
    follower.receive(source[0])
    assert processor.processed == [1]
