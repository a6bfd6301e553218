"""The Procfile, docker-compose.yml, the Kubernetes manifests and the image start the same commands,
from the same image, on the same ports."""
import re
import shlex

from deploy_files import ROOT, container, port_of
from services.launcher import read_procfile


def procfile_commands() -> dict[str, list[str]]:
    """As the launcher reads the Procfile (./run up and the end-to-end tests)."""
    return {name: [w for w in shlex.split(command) if "=" not in w]
            for name, command in read_procfile(ROOT / "Procfile").items()}


def test_the_launcher_reads_the_procfile_as_these_tests_do(procfile):
    assert procfile_commands() == {name: service["command"] for name, service in procfile.items()}


def test_every_command_runs_one_nameko_service_with_the_shared_config(procfile):
    for name, service in procfile.items():
        assert service["command"][:2] == ["nameko", "run"], name
        assert service["command"][2].startswith(f"services.{name}:"), name
        assert service["command"][3:] == ["--config", "deploy/config.yaml"], name


def test_compose_runs_the_procfile_commands(procfile, compose):
    for name, service in procfile.items():
        assert compose["services"][name]["command"] == service["command"], name


def test_each_kubernetes_deployment_runs_its_procfile_command(procfile, deployments):
    assert set(deployments) == set(procfile)
    for name, service in procfile.items():
        assert container(deployments[name])["command"] == service["command"], name


def test_every_service_has_a_distinct_port(procfile):
    ports = [service["port"] for service in procfile.values()]
    assert len(set(ports)) == len(ports) == 7


def test_compose_listens_on_the_procfile_ports(procfile, compose):
    for name, service in procfile.items():
        address = compose["services"][name]["environment"]["WEB_SERVER_ADDRESS"]
        assert address.startswith("0.0.0.0:"), (name, address)  # reachable from Prometheus and the gateway
        assert port_of(address) == service["port"], name


def test_kubernetes_listens_on_the_procfile_ports(procfile, deployments):
    for name, service in procfile.items():
        deployment = deployments[name]
        c = container(deployment)
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        assert port_of(env["WEB_SERVER_ADDRESS"]) == service["port"], name
        assert env["WEB_SERVER_ADDRESS"].startswith("0.0.0.0:"), name
        assert [p["containerPort"] for p in c["ports"]] == [service["port"]], name
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true", name
        assert int(annotations["prometheus.io/port"]) == service["port"], name
        assert annotations["prometheus.io/path"] == "/metrics", name


def test_compose_and_kubernetes_run_one_image(procfile, compose, deployments):
    images = {compose["services"][name]["image"] for name in procfile}
    assert len(images) == 1, images
    (image,) = images
    for name in procfile:
        assert container(deployments[name])["image"] == image, name
        assert compose["services"][name]["build"]["dockerfile"] == "deploy/Dockerfile", name


def test_the_image_exposes_every_port_and_ships_the_config(procfile):
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    exposed = {int(p) for line in re.findall(r"^EXPOSE (.+)$", dockerfile, re.M) for p in line.split()}
    assert exposed == {service["port"] for service in procfile.values()}
    assert "deploy/config.yaml" in re.findall(r"^COPY .*? (\S+)$", dockerfile, re.M)
