"""The self-service's limits per address (shared.rate_limit): so many tries per window, then a wait
that ends when the oldest try leaves the window; other addresses unaffected; bounded memory."""
from shared.rate_limit import SlidingWindow


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_tries_beyond_the_limit_wait_until_the_oldest_leaves_the_window():
    clock = Clock()
    limit = SlidingWindow(3, 60, clock=clock)
    assert [limit.hit("a") for _ in range(3)] == [0, 0, 0]
    clock.now += 10
    assert limit.hit("a") == 50  # the first try leaves the window 60 s after it was made
    assert limit.hit("b") == 0   # another address has its own tries
    clock.now += 50
    assert [limit.hit("a") for _ in range(3)] == [0, 0, 0]
    assert limit.wait("a") == limit.wait("a") == 60  # asking how long counts no try


def test_a_refused_try_is_not_counted():
    clock = Clock()
    limit = SlidingWindow(1, 60, clock=clock)
    limit.hit("a")
    for _ in range(5):
        clock.now += 1
        limit.hit("a")
    clock.now = 1000.0 + 60
    assert limit.hit("a") == 0


def test_a_flood_of_addresses_forgets_the_oldest():
    limit = SlidingWindow(1, 60, clock=Clock(), max_clients=100)
    for n in range(1000):
        limit.hit(f"10.0.{n // 256}.{n % 256}")
    assert len(limit._hits) == 100
