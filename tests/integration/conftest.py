"""Integration fixtures: a database and a RabbitMQ virtual host of the test's own, the services'
real nameko containers on them, and an RPC proxy."""
import eventlet
import pytest
import requests
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy

from shared.persistence import application_env, ensure_schema
from tests.conftest import System


@pytest.fixture
def infra(tmp_path, monkeypatch):
    # Only the database, vhost and keys of a System; its services are not started.
    system = System(tmp_path)
    for key, value in system.env.items():
        monkeypatch.setenv(key, value)
    system.provision()
    system.config = {"AMQP_URI": system.amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{system.ports['intake']}"}
    yield system
    system.stop()


def app_env(infra, schema: str) -> dict:
    ensure_schema(schema, infra.settings)
    return application_env(schema, infra.settings)


def drain(amqp_uri: str, queue) -> list[dict]:
    """Every message waiting in the queue, acknowledged, in order."""
    bodies = []
    with Connection(amqp_uri) as conn:
        bound = queue(conn.channel())
        while (message := bound.get(no_ack=False)) is not None:
            bodies.append(message.payload)
            message.ack()
    return bodies


def _healthy(infra, service: str) -> bool:
    try:
        return infra.health(service)["service"] == service
    except (requests.RequestException, ValueError):
        return False


@pytest.fixture
def services(infra, container_factory):
    """Starts services' containers (`services.restart(cls)` restarts one) and waits until each answers
    /health; stops them all at once afterwards, gracefully, so that their database pools are closed
    before the test's database is dropped, and none waits out an RPC timeout on one already stopped."""
    running = {}

    def start(*classes):
        for service in classes:
            container = container_factory(service, {**infra.config,
                                                    "WEB_SERVER_ADDRESS": f"127.0.0.1:{infra.ports[service.name]}"})
            container.start()
            running[service.name] = container
        infra.wait_until(lambda: all(_healthy(infra, s.name) for s in classes), timeout=60)

    def restart(service):
        running.pop(service.name).stop()
        start(service)

    start.restart = restart
    yield start
    for stopping in [eventlet.spawn(container.stop) for container in running.values()]:
        stopping.wait()


@pytest.fixture
def rpc(infra):
    with ClusterRpcProxy(infra.config, timeout=30) as proxy:
        yield proxy


@pytest.fixture
def assignment_of(infra, rpc):
    """The assignment dispatch made of an accepted petition, once dispatch has followed it."""
    def wait(assignment_id: str) -> dict:
        def attempt():
            try:
                return rpc.dispatch.get_assignment(assignment_id)
            except Exception:  # NotFound until dispatch has followed the acceptance
                return None
        return infra.wait_until(attempt, timeout=30)
    return wait
