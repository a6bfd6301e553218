import eventlet

eventlet.monkey_patch()  # before anything else imports sockets or threads (STACK.md trap 5)

import os  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote  # noqa: E402

import psycopg  # noqa: E402
import pytest  # noqa: E402
import requests  # noqa: E402

import shared  # noqa: E402,F401
from services.broker_users import create_agency_users, remove_agency_users  # noqa: E402
from services.launcher import Launcher, address_variable, parse_replicas, replica_names  # noqa: E402
from shared.access import Principal, Role  # noqa: E402
from shared.settings import Settings, new_key  # noqa: E402
from shared.tokens import TokenStore  # noqa: E402

RABBIT_API = os.environ.get("RABBIT_API", "http://guest:guest@127.0.0.1:15672/api")


@pytest.fixture
def web_session():
    """nameko's fixture imports werkzeug.urls.url_join, gone in Werkzeug 3 (STACK.md trap 3)."""
    return requests.Session()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class System:
    """A whole running system of its own: database, RabbitMQ virtual host, ports, keys."""

    SERVICES = ("intake", "dispatch", "reporting", "mediation", "ownership", "supervision", "gateway")

    def __init__(self, tmp: Path, replicas: str = "", **settings):
        """`replicas` as `./run up` takes them (`dispatch=3,reporting=2`, passed on as XINFANG_REPLICAS):
        every replica gets a free port of its own, `ports` names each (`dispatch-2`)."""
        self.name = f"xinfang_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.replicas = parse_replicas(replicas, self.SERVICES)
        names = [name for service in self.SERVICES for name in replica_names(service, self.replicas.get(service, 1))]
        self.ports: dict[str, int] = {}
        while len(self.ports) < len(names):  # distinct: nameko's SO_REUSEPORT would share one silently
            port = free_port()
            if port not in self.ports.values():
                self.ports[names[len(self.ports)]] = port
        self.amqp_uri = f"pyamqp://guest:guest@127.0.0.1:5672/{self.name}"
        self.env = {
            "POSTGRES_DBNAME": self.name, "AMQP_URI": self.amqp_uri,
            "XINFANG_CIPHER_KEY": new_key(), "XINFANG_PSEUDONYM_KEY": new_key(),
            "XINFANG_CATCH_UP_SECONDS": "1", "XINFANG_GATEWAY_TIMEOUT": "8",
            **{address_variable(n): f"127.0.0.1:{p}" for n, p in self.ports.items()},
            "XINFANG_REPLICAS": replicas,  # not whatever the shell running the tests says
            **settings}
        self.base_url = f"http://127.0.0.1:{self.ports['gateway']}"
        self.launcher = Launcher(self.env, tmp / "logs")
        self._tokens: dict[tuple, str] = {}
        self.settings = Settings(postgres_dbname=self.name, cipher_key=self.env["XINFANG_CIPHER_KEY"],
                                 pseudonym_key=self.env["XINFANG_PSEUDONYM_KEY"])

    def provision(self):
        """The virtual host; the database is created by the first service (or fixture) that needs it."""
        requests.put(f"{RABBIT_API}/vhosts/{quote(self.name, safe='')}", timeout=10).raise_for_status()
        requests.put(f"{RABBIT_API}/permissions/{quote(self.name, safe='')}/guest", timeout=10,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()
        # Each agency's own broker user, allowed to publish to its own exchange only (decision 0021).
        self.agency_credentials = create_agency_users(RABBIT_API, self.name)
        return self

    def start(self):
        self.provision()
        self.launcher.start()
        self.launcher.wait_healthy(self.ports, timeout=120)
        return self

    def stop(self):
        self.launcher.stop()
        requests.delete(f"{RABBIT_API}/vhosts/{quote(self.name, safe='')}", timeout=10)
        remove_agency_users(RABBIT_API, self.name)
        with psycopg.connect(self.settings.postgres_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def health(self, service: str) -> dict:
        return requests.get(f"http://127.0.0.1:{self.ports[service]}/health", timeout=5).json()

    def url(self, path: str) -> str:
        return self.base_url + path

    def session(self, role: str = "administrator", user: str | None = None, unit: str | None = None):
        """An HTTP session acting as one person in one role (and, for unit roles, one unit): every test
        call to the gateway goes through one, so who may do what is exercised everywhere."""
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token(role, user, unit)}"
        return session

    def token(self, role: str = "administrator", user: str | None = None, unit: str | None = None) -> str:
        """A token as `./run token issue` gives one (issued straight into the system's token store)."""
        key = (role, user or f"test-{role}", unit)
        if key not in self._tokens:
            store = TokenStore(self.settings.postgres_conninfo())
            store.create_schema()
            self._tokens[key] = store.issue(Principal(key[1], Role(role), unit), issued_by="tests").token
        return self._tokens[key]

    def sql(self, query: str, *params):
        with psycopg.connect(self.settings.postgres_conninfo(), autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def wait_until(self, predicate, timeout: float = 10.0, interval: float = 0.1):
        deadline = time.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"not true within {timeout}s: {predicate}")
            time.sleep(interval)


def system_of_its_own(name: str, **settings):
    """A module's own system (`system = system_of_its_own("fuzz")` in the module), for tests whose
    traffic must not reach the counts and lists other modules check on the shared one."""
    @pytest.fixture(scope="module")
    def own(tmp_path_factory):
        running = System(tmp_path_factory.mktemp(name), **settings).start()
        yield running
        running.stop()
    return own


@pytest.fixture(scope="session")
def system(tmp_path_factory):
    running = System(tmp_path_factory.mktemp("system")).start()
    yield running
    running.stop()
