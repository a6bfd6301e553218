"""The deployment files, parsed once per test session (deploy_files.py reads them)."""
import json

import pytest
import yaml

from deploy_files import GRAFANA, K8S, ROOT, of_kind, read_procfile


@pytest.fixture(scope="session")
def procfile() -> dict[str, dict]:
    services = read_procfile()
    assert len(services) == 7, sorted(services)
    return services


@pytest.fixture(scope="session")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="session")
def k8s_documents() -> list[tuple[str, dict]]:
    """(file name, document) for every document of every manifest in deploy/k8s/."""
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                documents.append((path.name, document))
    return documents


@pytest.fixture(scope="session")
def deployments(k8s_documents) -> dict[str, dict]:
    return of_kind(k8s_documents, "Deployment")


@pytest.fixture(scope="session")
def k8s_services(k8s_documents) -> dict[str, dict]:
    return of_kind(k8s_documents, "Service")


@pytest.fixture(scope="session")
def prometheus() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text())


@pytest.fixture(scope="session")
def dashboard() -> dict:
    return json.loads((GRAFANA / "dashboards" / "xinfang.json").read_text())
