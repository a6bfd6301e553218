"""The launcher's replicas: how `--replicas` / XINFANG_REPLICAS are read, how replicas are named and
which port each one serves /health and /metrics on (docs/decisions/0017)."""
import signal
import time

import pytest

from services.launcher import (PORTS, ROOT, Launcher, address_variable, parse_replicas, read_procfile,
                               replica_names, replica_of)

SERVICES = tuple(read_procfile(ROOT / "Procfile"))


def launcher(tmp_path, replicas, **env):
    # No *_ADDRESS from the shell running the tests: the Procfile's defaults apply.
    clean = {address_variable(name): "" for name in SERVICES}
    return Launcher({**clean, "XINFANG_REPLICAS": "", **env}, tmp_path, replicas=replicas)


def test_a_spec_names_services_and_counts():
    assert parse_replicas("dispatch=3,reporting=2", SERVICES) == {"dispatch": 3, "reporting": 2}
    assert parse_replicas(" dispatch = 3 , ", SERVICES) == {"dispatch": 3}
    assert parse_replicas("", SERVICES) == parse_replicas(None, SERVICES) == {}


@pytest.mark.parametrize("spec", ["dispatch", "dispatch=", "dispatch=x", "=3", "dispatch=0", "dispatch=-1",
                                  "dispatch=2,dispatch=3", "nosuch=2"])
def test_a_bad_spec_is_refused(spec):
    with pytest.raises(ValueError):
        parse_replicas(spec, SERVICES)


def test_replicas_are_named_after_the_service():
    assert replica_names("dispatch", 1) == ["dispatch"]
    assert replica_names("dispatch", 3) == ["dispatch", "dispatch-2", "dispatch-3"]
    assert replica_of("dispatch-3") == ("dispatch", 3) and replica_of("dispatch") == ("dispatch", 1)
    assert address_variable("dispatch-2") == "DISPATCH_2_ADDRESS" and address_variable("gateway") == "GATEWAY_ADDRESS"


def test_without_replicas_every_service_runs_once_on_its_procfile_port(tmp_path):
    running = launcher(tmp_path, None)
    assert running.names() == list(SERVICES)
    assert running.ports() == PORTS


def test_further_replicas_take_the_first_ones_port_plus_ten_each(tmp_path):
    running = launcher(tmp_path, "dispatch=3,reporting=2,gateway=2")
    ports = running.ports()
    assert running.names() == ["intake", "dispatch", "dispatch-2", "dispatch-3", "reporting", "reporting-2",
                               "mediation", "ownership", "supervision", "gateway", "gateway-2"]
    assert (ports["dispatch"], ports["dispatch-2"], ports["dispatch-3"]) == (8102, 8112, 8122)
    assert (ports["reporting"], ports["reporting-2"]) == (8103, 8113)
    assert (ports["gateway"], ports["gateway-2"]) == (8000, 8010)
    assert len(set(ports.values())) == len(ports)


def test_the_environment_gives_the_count_and_moves_the_ports(tmp_path):
    running = launcher(tmp_path, None, XINFANG_REPLICAS="dispatch=2", DISPATCH_ADDRESS="0.0.0.0:9102")
    assert running.addresses["dispatch"] == "0.0.0.0:9102" and running.addresses["dispatch-2"] == "0.0.0.0:9112"
    # A replica's own address wins (the end-to-end tests give each a free port).
    running = launcher(tmp_path, "dispatch=2", DISPATCH_2_ADDRESS="127.0.0.1:40001")
    assert running.ports()["dispatch-2"] == 40001


def test_replicas_that_would_share_a_port_are_refused(tmp_path):
    # nameko listens with SO_REUSEPORT: two processes on one port would not fail, they would share it.
    with pytest.raises(ValueError, match="both listen"):
        launcher(tmp_path, "intake=2", DISPATCH_ADDRESS="127.0.0.1:8111")


def test_an_unknown_process_cannot_be_started(tmp_path):
    with pytest.raises(KeyError):
        launcher(tmp_path, "dispatch=2").start("dispatch-3")


def test_each_replica_runs_with_its_own_address_and_can_be_killed_alone(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: WEB_SERVER_ADDRESS=${WEB_ADDRESS:-127.0.0.1:9001} "
                        "bash -c 'echo listening on $WEB_SERVER_ADDRESS; exec sleep 60'\n")
    running = Launcher({"WEB_ADDRESS": "", "WEB_2_ADDRESS": ""}, tmp_path / "logs", procfile, replicas="web=3")
    running.start(*running.names())  # without names it would wait for /health, which `sleep` never answers
    try:
        deadline = time.time() + 10
        while not all((tmp_path / "logs" / f"{name}.log").read_text() for name in running.names()):
            assert time.time() < deadline, "the replicas did not start"
            time.sleep(0.05)
        running.kill("web-2")
        assert running.processes["web-2"].returncode == -signal.SIGKILL
        assert running.processes["web"].poll() is None and running.processes["web-3"].poll() is None
    finally:
        running.stop(grace=5)
    assert all(p.returncode == -signal.SIGTERM for name, p in running.processes.items() if name != "web-2")
    logs = {name: (tmp_path / "logs" / f"{name}.log").read_text() for name in running.names()}
    assert logs == {"web": "listening on 127.0.0.1:9001\n", "web-2": "listening on 127.0.0.1:9011\n",
                    "web-3": "listening on 127.0.0.1:9021\n"}
