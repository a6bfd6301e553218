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


def test_an_event_arriving_while_another_is_processed_does_not_wait_and_is_processed_before_the_lock_is_released(
        processor, source):
    """A handler never waits for the lock (waiting handlers can exhaust the service's workers): the
    event is left to the lock's holder, which fetches it before letting go."""
    import threading

    holder_inside, let_go, late_returned = threading.Event(), threading.Event(), threading.Event()

    def fetch(after, limit):
        return [e for e in source if e["position"] > after][:limit]

    follower = Follower("test", "intake", processor, fetch, batch_size=10)
    slow = processor.process

    def process(src, env):
        if env["position"] == 1:
            holder_inside.set()
            assert let_go.wait(5)
        return slow(src, env)

    processor.process = process
    first = threading.Thread(target=follower.receive, args=(source[0],))
    first.start()
    assert holder_inside.wait(5)
    late = threading.Thread(target=lambda: (follower.receive(source[1]), late_returned.set()))
    late.start()
    assert late_returned.wait(5), "the second handler waited for the first"
    assert processor.processed == []
    let_go.set()
    first.join(5)
    late.join(5)
    assert processor.processed == [1, 2, 3, 4, 5]  # 2 deferred, fetched by the holder with what followed
