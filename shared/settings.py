"""Process settings, read once from the environment (12-factor); defaults suit a local run."""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    amqp_uri: str = field(default_factory=lambda: _env("AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/"))
    postgres_host: str = field(default_factory=lambda: _env("POSTGRES_HOST", "127.0.0.1"))
    postgres_port: str = field(default_factory=lambda: _env("POSTGRES_PORT", "5432"))
    postgres_user: str = field(default_factory=lambda: _env("POSTGRES_USER", "postgres"))
    postgres_password: str = field(default_factory=lambda: _env("POSTGRES_PASSWORD", "postgres"))
    postgres_dbname: str = field(default_factory=lambda: _env("POSTGRES_DBNAME", "xinfang"))
    # AES key (base64 of 16, 24 or 32 bytes) for the event stores; required, never defaulted.
    cipher_key: str = field(default_factory=lambda: _env("XINFANG_CIPHER_KEY", ""))
    # Earlier cipher keys, comma-separated: still decrypt, never encrypt (rotate-cipher-key, decision 0019).
    cipher_old_keys: str = field(default_factory=lambda: _env("XINFANG_CIPHER_OLD_KEYS", ""))
    # HMAC key for petitioner pseudonyms; distinct from the cipher key so one can rotate alone.
    pseudonym_key: str = field(default_factory=lambda: _env("XINFANG_PSEUDONYM_KEY", ""))
    # The unit id of the bureau running the system: where matters of unlisted areas go.
    home_bureau: str = field(default_factory=lambda: _env("XINFANG_HOME_BUREAU", ""))
    reference_dir: str = field(default_factory=lambda: _env("XINFANG_REFERENCE_DIR", ""))
    calendar_overrides: str = field(default_factory=lambda: _env("XINFANG_CALENDAR_OVERRIDES", ""))
    # The dashboard's files (web/dashboard/public of the work tree when empty): an installed package has none.
    dashboard_dir: str = field(default_factory=lambda: _env("XINFANG_DASHBOARD_DIR", ""))
    # How long the gateway waits for a service before answering 503 (nameko 2's RPC has no timeout).
    gateway_timeout: float = field(default_factory=lambda: float(_env("XINFANG_GATEWAY_TIMEOUT", "30")))
    catch_up_interval: float = field(default_factory=lambda: float(_env("XINFANG_CATCH_UP_SECONDS", "2")))
    relay_poll_interval: float = field(default_factory=lambda: float(_env("XINFANG_RELAY_POLL_SECONDS", "0.2")))
    # How many events a follower fetches and applies at once when catching up or rebuilding (≤ 1000).
    follower_batch: int = field(default_factory=lambda: int(_env("XINFANG_FOLLOWER_BATCH", "500")))
    # /health/ready fails while a follower is this many events (or more) behind its source.
    ready_max_lag: int = field(default_factory=lambda: int(_env("XINFANG_READY_MAX_LAG", "1000")))
    # How long a health check waits for the database or the broker before calling it unreachable.
    health_timeout: float = field(default_factory=lambda: float(_env("XINFANG_HEALTH_TIMEOUT", "2")))

    # How long the gateway trusts a token lookup: a revoked token stops working within this time.
    token_cache_seconds: float = field(default_factory=lambda: float(_env("XINFANG_TOKEN_CACHE_SECONDS", "10")))

    # The petitioners' self-service (no token), per client address and gateway process: lookups and
    # actions per minute, query codes that opened nothing per 15 minutes (guessing), online
    # submissions per hour. Behind a reverse proxy, the client is the address it appends to
    # X-Forwarded-For (XINFANG_BEHIND_PROXY=1); otherwise the peer's address.
    self_service_per_minute: int = field(default_factory=lambda: int(_env("XINFANG_SELF_SERVICE_PER_MINUTE", "60")))
    wrong_codes_per_quarter: int = field(default_factory=lambda: int(_env("XINFANG_WRONG_CODES_PER_15_MIN", "10")))
    submissions_per_hour: int = field(default_factory=lambda: int(_env("XINFANG_SUBMISSIONS_PER_HOUR", "10")))
    behind_proxy: bool = field(default_factory=lambda: _env("XINFANG_BEHIND_PROXY", "0") in ("1", "true", "yes"))

    def pseudonym_key_bytes(self) -> bytes:
        if not self.pseudonym_key:
            raise RuntimeError("XINFANG_PSEUDONYM_KEY is not set (./run up writes one to .run/secrets.env)")
        return base64.b64decode(self.pseudonym_key)

    def postgres_conninfo(self, dbname: str | None = None) -> str:
        return (f"host={self.postgres_host} port={self.postgres_port} user={self.postgres_user} "
                f"password={self.postgres_password} dbname={dbname or self.postgres_dbname}")


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()
