"""docker-compose.yml and deploy/k8s/: every service deployed, probed where it answers, reachable,
autoscaled only where a Deployment exists, and no real key anywhere."""
import base64
import binascii
import importlib
import re

import pytest
import yaml
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
from nameko.web.handlers import HttpRequestHandler

from deploy_files import K8S, ROOT, container, of_kind

READY, LIVE, HEALTH = "/health/ready", "/health/live", "/health"


def http_routes(procfile_service: dict) -> set[str]:
    """The GET routes of the nameko service class the Procfile command runs."""
    module, _, name = procfile_service["command"][2].partition(":")
    cls = getattr(importlib.import_module(module), name)
    return {handler.url for attr in dir(cls)
            for handler in getattr(getattr(cls, attr), ENTRYPOINT_EXTENSIONS_ATTR, ())
            if isinstance(handler, HttpRequestHandler) and handler.method == "GET"}


# -- docker-compose.yml ---------------------------------------------------------------------------

def test_compose_runs_the_broker_the_database_and_the_monitoring(compose):
    services = compose["services"]
    assert services["rabbitmq"]["image"].startswith("rabbitmq:")
    assert services["rabbitmq"]["image"].endswith("-management")
    major, minor = (int(n) for n in re.match(r"rabbitmq:(\d+)\.(\d+)", services["rabbitmq"]["image"]).groups())
    assert (major, minor) >= (3, 10), "quorum queues with at-least-once dead-lettering need RabbitMQ 3.10"
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["prometheus"]["image"].startswith("prom/prometheus:")
    assert services["grafana"]["image"].startswith("grafana/grafana:10.")
    for name in ("rabbitmq", "postgres"):
        assert services[name]["healthcheck"]["test"], name


def test_every_service_has_a_replica_count_and_waits_for_the_broker_and_database(procfile, compose):
    for name in procfile:
        service = compose["services"][name]
        assert isinstance(service["deploy"]["replicas"], int) and service["deploy"]["replicas"] >= 1, name
        for dependency in ("rabbitmq", "postgres"):
            assert service["depends_on"][dependency]["condition"] == "service_healthy", (name, dependency)
        assert service["env_file"] == [".run/secrets.env"], name  # the keys, never written into the file


def test_a_service_publishing_a_fixed_host_port_runs_once(procfile, compose):
    # Two replicas cannot both bind the same host port.
    for name in procfile:
        service = compose["services"][name]
        fixed = [p for p in service.get("ports", []) if "-" not in str(p).rsplit(":", 1)[0]]
        if fixed:
            assert service["deploy"]["replicas"] == 1, name


def test_compose_health_checks_ask_each_service_on_its_own_port(procfile, compose):
    for name, service in procfile.items():
        test = compose["services"][name]["healthcheck"]["test"]
        urls = re.findall(r"http://127\.0\.0\.1:(\d+)(/[\w/]*)", " ".join(test))
        assert urls == [(str(service["port"]), HEALTH)], (name, test)


def test_graceful_stop_gives_nameko_time_to_finish(procfile, compose):
    for name in procfile:
        service = compose["services"][name]
        assert service.get("stop_signal", "SIGTERM") == "SIGTERM", name
        seconds = int(re.fullmatch(r"(\d+)s", service["stop_grace_period"]).group(1))
        assert seconds >= 20, name


def test_the_gateway_starts_after_every_service_it_calls(procfile, compose):
    depends = compose["services"]["gateway"]["depends_on"]
    for name in procfile:
        if name != "gateway":
            assert depends[name]["condition"] == "service_healthy", name


def test_compose_mounts_files_that_exist(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), (name, source)


# -- deploy/k8s/ ----------------------------------------------------------------------------------

def test_every_deployment_is_probed_on_its_port_at_the_health_endpoints(procfile, deployments):
    for name, service in procfile.items():
        c = container(deployments[name])
        named = {p["name"]: p["containerPort"] for p in c["ports"]}
        for probe, path in (("readinessProbe", READY), ("livenessProbe", LIVE), ("startupProbe", LIVE)):
            get = c[probe]["httpGet"]
            assert get["path"] == path, (name, probe)
            port = named.get(get["port"], get["port"])
            assert port == service["port"], (name, probe)


def test_the_probed_endpoints_exist_in_every_service(procfile):
    for name, service in procfile.items():
        routes = http_routes(service)
        assert {HEALTH, READY, LIVE, "/metrics"} <= routes, (name, sorted(routes))


def test_every_deployment_has_a_service_that_reaches_it(procfile, deployments, k8s_services):
    assert set(k8s_services) == set(deployments)
    for name, deployment in deployments.items():
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items(), name
        service = k8s_services[name]
        assert service["spec"]["selector"].items() <= pod_labels.items(), name
        named = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
        for port in service["spec"]["ports"]:
            assert named.get(port["targetPort"], port["targetPort"]) == procfile[name]["port"], name
            assert port["port"] == procfile[name]["port"], name


def test_every_deployment_reads_the_configmap_and_the_secret(deployments, k8s_documents):
    configmaps = of_kind(k8s_documents, "ConfigMap")
    secrets = of_kind(k8s_documents, "Secret")
    for name, deployment in deployments.items():
        sources = container(deployment)["envFrom"]
        assert {"configMapRef": {"name": "xinfang-config"}} in sources, name
        assert {"secretRef": {"name": "xinfang-secrets"}} in sources, name
        assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 20, name
        assert container(deployment)["resources"]["requests"]["cpu"], name  # the HPAs scale on it
    assert set(configmaps) == {"xinfang-config"}
    assert set(secrets) == {"xinfang-secrets"}
    assert {"XINFANG_CIPHER_KEY", "XINFANG_PSEUDONYM_KEY", "AMQP_URI", "POSTGRES_PASSWORD"} <= set(
        secrets["xinfang-secrets"]["stringData"])
    assert not {"XINFANG_CIPHER_KEY", "XINFANG_PSEUDONYM_KEY", "POSTGRES_PASSWORD"} & set(
        configmaps["xinfang-config"]["data"])


def test_everything_lives_in_one_namespace(k8s_documents):
    for file, document in k8s_documents:
        if document["kind"] == "Namespace":
            assert document["metadata"]["name"] == "xinfang"
        elif document["kind"] != "Kustomization":
            assert document["metadata"]["namespace"] == "xinfang", file


def test_autoscalers_target_existing_deployments(deployments, k8s_documents):
    autoscalers = of_kind(k8s_documents, "HorizontalPodAutoscaler")
    assert {"gateway", "dispatch"} <= set(autoscalers)
    for name, hpa in autoscalers.items():
        assert hpa["apiVersion"] == "autoscaling/v2", name
        target = hpa["spec"]["scaleTargetRef"]
        assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment"), name
        assert target["name"] in deployments, name
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"], name
        assert hpa["spec"]["minReplicas"] == deployments[target["name"]]["spec"]["replicas"], name
        for metric in hpa["spec"]["metrics"]:
            assert metric["type"] == "Resource" and metric["resource"]["name"] in ("cpu", "memory"), name


def test_kustomization_lists_every_manifest_but_the_example_secret():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = kustomization["resources"]
    manifests = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert "secret.example.yaml" not in listed  # it would overwrite the real Secret with placeholders
    assert set(listed) == manifests - {"secret.example.yaml"}
    assert len(listed) == len(set(listed))
    assert kustomization["namespace"] == "xinfang"


# -- no real key anywhere -------------------------------------------------------------------------

def looks_like_a_key(value: str) -> bool:
    """Base64 of 16, 24 or 32 bytes: what AESCipher and the pseudonyms would accept."""
    try:
        raw = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) in (16, 24, 32)


def test_the_key_check_itself_recognises_a_key():
    from shared.settings import new_key
    assert looks_like_a_key(new_key())
    assert not looks_like_a_key("PLACEHOLDER-NOT-A-KEY: openssl rand -base64 32")


def test_the_example_secret_holds_placeholders_only(k8s_documents):
    secret = of_kind(k8s_documents, "Secret")["xinfang-secrets"]
    for key, value in secret["stringData"].items():
        assert "PLACEHOLDER" in value, key
        assert not looks_like_a_key(value), key
    assert "data" not in secret  # base64-encoded values would hide a real key from a reader


@pytest.mark.parametrize("path", ["docker-compose.yml", *sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "deploy").rglob("*") if p.suffix in (".yaml", ".yml", ".json", ".env"))])
def test_no_deployment_file_holds_a_key(path):
    text = (ROOT / path).read_text()
    candidates = re.findall(r"[A-Za-z0-9+/]{22,}={0,2}", text)
    assert not [c for c in candidates if looks_like_a_key(c)], path
