"""The follower keeps its lag known (for /health/ready and xinfang_follower_lag_events) without
asking anyone on the way, and processes each event with its envelope's correlation id."""
from datetime import datetime, UTC

from shared import metrics
from shared.envelope import correlation_id, make_envelope
from shared.follower import Follower
from shared.logs import current_correlation_id


def envelope(position, previous=None, correlation=None):
    return make_envelope("intake", position, position - 1 if previous is None else previous, "petition.registered",
                         datetime(2026, 12, 1, tzinfo=UTC), "x", {"n": position},
                         correlation_id=correlation)


class Processor:
    def __init__(self):
        self.position = 0
        self.seen = []  # (position, correlation id current while processing)

    def tracked_position(self, source):
        return self.position

    def process(self, source, env):
        self.seen.append((env["position"], current_correlation_id()))
        self.position = env["position"]
        return True

    def record_position(self, source, position):
        self.position = position

    def park(self, source, env, reason):
        self.position = env["position"]


class Source:
    """A source's log; `newest()` is what the follower may ask while catching up."""

    def __init__(self, envelopes):
        self.log = envelopes
        self.newest_asked = 0

    def __call__(self, after, limit):
        return [e for e in self.log if e["position"] > after][:limit]

    def newest(self):
        self.newest_asked += 1
        return self.log[-1]["position"]


def gauge(service, source):
    return metrics.FOLLOWER_LAG.labels(service, source)._value.get()


def test_the_lag_is_unknown_until_first_known_then_zero_once_caught_up():
    source = Source([envelope(p) for p in range(1, 6)])
    follower = Follower("lag_a", "intake", Processor(), source)
    assert follower.current_lag is None
    follower.catch_up()
    assert follower.current_lag == 0 and gauge("lag_a", "intake") == 0
    assert source.newest_asked == 0  # a short batch: nothing to ask


def test_an_event_pushed_beyond_a_gap_shows_as_lag_until_processed():
    log = [envelope(p) for p in range(1, 4)]
    source = Source(log)
    processor = Processor()
    follower = Follower("lag_b", "intake", processor, source)
    follower.catch_up()
    # The broker pushes #10 while the log the follower can fetch still ends at #3 (say, a replica lagging).
    follower.lock.acquire()  # another green thread is processing: the push is deferred
    follower.receive(envelope(10, previous=9))
    follower.lock.release()
    follower._update_lag()
    assert follower.current_lag == 7 and gauge("lag_b", "intake") == 7
    source.log += [envelope(p) for p in range(4, 11)]
    follower.catch_up()
    assert follower.current_lag == 0 and gauge("lag_b", "intake") == 0


def test_a_long_catch_up_asks_the_source_s_newest_once_and_reports_the_lag_on_the_way():
    source = Source([envelope(p) for p in range(1, 26)])
    lags = []
    processor = Processor()
    follower = Follower("lag_c", "intake", processor, source, batch_size=10)
    original = follower._update_lag

    def recording():
        lags.append(original())
        return lags[-1]
    follower._update_lag = recording
    follower.catch_up()
    assert source.newest_asked == 1
    assert lags == [15, 5, 0]  # after the batches ending at #10 and #20, then caught up
    assert follower.current_lag == 0


def test_the_lag_of_a_follower_fed_by_the_broker_stays_up_to_date():
    follower = Follower("lag_d", "intake", Processor(), Source([]))
    for position in range(1, 4):
        follower.receive(envelope(position))
        assert follower.current_lag == 0
    assert gauge("lag_d", "intake") == 0


def test_each_event_is_processed_with_its_correlation_id():
    processor = Processor()
    source = Source([envelope(1, correlation="req-1"), envelope(2), envelope(3, correlation="req-3")])
    follower = Follower("corr", "intake", processor, source)
    follower.catch_up()
    follower.receive(envelope(4, correlation="req-4"))
    assert processor.seen == [(1, "req-1"), (2, None), (3, "req-3"), (4, "req-4")]
    assert current_correlation_id() is None


def test_the_envelope_carries_a_correlation_id_only_when_there_is_one():
    assert "correlationid" not in envelope(1)
    assert correlation_id(envelope(1)) is None
    with_id = envelope(2, correlation="abc")
    assert with_id["correlationid"] == "abc" and correlation_id(with_id) == "abc"
    assert correlation_id({**with_id, "correlationid": 7}) is None  # a foreign producer's odd value
