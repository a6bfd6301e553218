"""deploy/prometheus.yml scrapes every replica of every service; the Grafana dashboard asks only for
metrics the services expose (shared/metrics.py) and is provisioned where compose mounts it."""
import re

import yaml
from prometheus_client.metrics import MetricWrapperBase

import shared.metrics
from deploy_files import GRAFANA

# What each metric type exposes besides its name (prometheus_client's text format).
SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count", "_created"),
            "summary": ("", "_sum", "_count", "_created"), "info": ("_info",), "stateset": ("",), "enum": ("",)}
# Series Prometheus writes itself for every target.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
    "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "abs", "ceil", "floor", "round",
    "clamp_min", "clamp_max", "clamp", "label_replace", "label_join", "vector", "scalar", "time", "absent",
    "absent_over_time", "changes", "resets", "sort", "sort_desc", "sum_over_time", "avg_over_time",
    "max_over_time", "min_over_time", "last_over_time", "count_over_time", "timestamp", "exp", "ln", "sqrt",
    "inf", "nan", "le",
}
REQUIRED = {  # what the dashboard must show (issue 9)
    "xinfang_commands_total", "xinfang_command_seconds_bucket", "xinfang_events_published_total",
    "xinfang_events_consumed_total", "xinfang_follower_lag_events", "xinfang_dead_letters_total",
    "xinfang_handler_failures_total", "xinfang_relay_lag_events", "xinfang_relay_active",
    "xinfang_inbound_events_total", "xinfang_inbound_dead_letters_total",
    "xinfang_http_request_seconds_count", "xinfang_http_request_seconds_bucket",
}


def exposed_series() -> set[str]:
    """Every series name the services' /metrics can show: shared/metrics.py's metrics and their suffixes."""
    names = set()
    for value in vars(shared.metrics).values():
        if isinstance(value, MetricWrapperBase):
            for family in value.describe():
                names |= {family.name + suffix for suffix in SUFFIXES[family.type]}
    return names


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects: what is left once label matchers, grouping
    labels, ranges, strings, numbers, Grafana variables and PromQL's own words are taken out."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', " ", expr)                   # strings
    text = re.sub(r"\{[^}]*\}", " ", text)                             # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)                            # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)  # label lists
    text = re.sub(r"\$\w+|\$\{[^}]*\}", " ", text)                     # Grafana variables
    words = set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", re.sub(r"\b\d+(\.\d+)?([eE][-+]?\d+)?\b", " ", text)))
    return words - PROMQL_WORDS


def dashboard_exprs(dashboard: dict) -> list[str]:
    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))
    return [t["expr"] for p in panels(dashboard["panels"]) for t in p.get("targets", [])]


def test_the_expression_parser_finds_metrics_and_nothing_else():
    expr = ('histogram_quantile(0.99, sum by (le, route) (rate(xinfang_http_request_seconds_bucket'
            '{status=~"5..", route!="x"}[$__rate_interval]))) and on (instance) (up == 1)')
    assert metric_names(expr) == {"xinfang_http_request_seconds_bucket", "up"}
    expr = 'max(xinfang_relay_lag_events{service="$service"} and on (instance) (xinfang_relay_active == 1))'
    assert metric_names(expr) == {"xinfang_relay_lag_events", "xinfang_relay_active"}


def test_exposed_series_come_from_shared_metrics():
    series = exposed_series()
    assert {"xinfang_commands_total", "xinfang_command_seconds_bucket", "xinfang_follower_lag_events"} <= series
    assert "xinfang_commands_total_total" not in series and "xinfang_no_such_metric" not in series


def test_every_metric_on_the_dashboard_is_exposed_by_the_services(dashboard):
    exposed = exposed_series() | PROMETHEUS_OWN
    exprs = dashboard_exprs(dashboard)
    assert len(exprs) >= 15
    for expr in exprs:
        unknown = metric_names(expr) - exposed
        assert not unknown, (expr, unknown)


def test_the_dashboard_shows_what_operators_watch(dashboard):
    used = set().union(*(metric_names(e) for e in dashboard_exprs(dashboard)))
    missing = REQUIRED - used
    assert not missing, missing


def test_the_dashboard_is_grafana_10_with_unique_panels(dashboard):
    assert dashboard["schemaVersion"] >= 38 and dashboard["uid"]
    ids = []

    def walk(items):
        for panel in items:
            ids.append(panel["id"])
            assert {"h", "w", "x", "y"} <= set(panel["gridPos"]) and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
            walk(panel.get("panels", []))
    walk(dashboard["panels"])
    assert len(ids) == len(set(ids))


def test_the_service_rows_repeat_over_every_service_but_the_gateway(procfile, dashboard):
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["service"]["query"].split(",") == [name for name in procfile if name != "gateway"]
    rows = [p for p in dashboard["panels"] if p["type"] == "row" and p.get("repeat") == "service"]
    assert len(rows) == 1


def test_the_dashboard_and_its_data_source_are_provisioned_where_compose_mounts_them(compose, dashboard):
    datasources = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    (prometheus,) = [d for d in datasources["datasources"] if d["type"] == "prometheus"]
    assert prometheus["url"] == "http://prometheus:9090"
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["current"]["value"] == prometheus["uid"]

    providers = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "xinfang.yml").read_text())["providers"]
    volumes = compose["services"]["grafana"]["volumes"]
    mounts = dict(volume.split(":")[:2] for volume in volumes if volume.startswith("./"))
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    (provider,) = providers
    assert mounts["./deploy/grafana/dashboards"] == provider["options"]["path"]


def test_prometheus_scrapes_every_replica_of_every_service(procfile, prometheus):
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    for name, service in procfile.items():
        job = jobs[name]
        assert job.get("metrics_path", "/metrics") == "/metrics", name
        # One A record per running replica (docker compose --scale): a target each.
        assert job["dns_sd_configs"] == [{"names": [name], "type": "A", "port": service["port"],
                                          "refresh_interval": job["dns_sd_configs"][0]["refresh_interval"]}], name
        assert "static_configs" not in job, name  # a static target would see one replica only
        assert {"target_label": "xinfang_service", "replacement": name} in job["relabel_configs"], name


def test_prometheus_runs_in_compose_with_this_file(compose):
    prometheus = compose["services"]["prometheus"]
    assert "./deploy/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in prometheus["volumes"]
