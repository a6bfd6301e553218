"""The Procfile, docker-compose.yml, the Kubernetes manifests and the image start the same commands."""
import shlex
from pathlib import Path

import yaml

from services.launcher import read_procfile

ROOT = Path(__file__).resolve().parents[3]


def procfile_commands() -> dict[str, list[str]]:
    return {name: [w for w in shlex.split(command) if "=" not in w]
            for name, command in read_procfile(ROOT / "Procfile").items()}


def test_compose_runs_the_procfile_commands():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, command in procfile_commands().items():
        assert compose["services"][name]["command"] == command, name


def test_each_kubernetes_deployment_runs_its_procfile_command():
    for name, command in procfile_commands().items():
        documents = yaml.safe_load_all((ROOT / "deploy" / "k8s" / f"{name}.yaml").read_text())
        deployment = next(d for d in documents if d and d.get("kind") == "Deployment")
        containers = deployment["spec"]["template"]["spec"]["containers"]
        assert containers[0]["command"] == command, name


def test_every_service_has_a_distinct_port():
    ports = [line.split("${")[1].split(":-")[1].split("}")[0] for line in (ROOT / "Procfile").read_text().splitlines()]
    assert len(set(ports)) == len(ports) == 7
