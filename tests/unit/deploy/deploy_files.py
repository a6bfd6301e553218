"""Reading the deployment files for tests/unit/deploy/: the Procfile is what the others must agree with."""
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
K8S = ROOT / "deploy" / "k8s"
GRAFANA = ROOT / "deploy" / "grafana"

# `name: WEB_SERVER_ADDRESS=${NAME_ADDRESS:-127.0.0.1:8101} nameko run ...`
PROCFILE_LINE = re.compile(
    r"^(?P<name>[a-z]+):\s*WEB_SERVER_ADDRESS=\$\{\w+:-[\d.]+:(?P<port>\d+)\}\s+(?P<command>.+)$")


def read_procfile() -> dict[str, dict]:
    services = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = PROCFILE_LINE.match(line)
        assert match, f"Procfile line not of the expected form: {line!r}"
        services[match["name"]] = {"port": int(match["port"]), "command": shlex.split(match["command"])}
    return services


def of_kind(documents, kind: str) -> dict[str, dict]:
    found = {}
    for _, document in documents:
        if document.get("kind") == kind:
            name = document["metadata"]["name"]
            assert name not in found, f"two {kind}s named {name}"
            found[name] = document
    return found


def container(deployment: dict) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, deployment["metadata"]["name"]
    return containers[0]


def port_of(address: str) -> int:
    host, _, port = address.rpartition(":")
    assert host, address
    return int(port)
