"""Integration fixtures: a database and a RabbitMQ virtual host of the test's own."""
import pytest
from kombu import Connection

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
