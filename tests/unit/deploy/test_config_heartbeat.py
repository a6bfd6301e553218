"""deploy/config.yaml, as `nameko run --config` reads it: the AMQP heartbeat comes from
AMQP_HEARTBEAT (nameko's default 60 s without it), and our own connections use it when shorter than
10 s (shared/heartbeats.py) — the fault suite's black-hole scenario relies on both."""
from pathlib import Path

import pytest
import yaml
from nameko.cli.main import setup_yaml_parser

from shared.heartbeats import heartbeat

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "config.yaml"


@pytest.mark.parametrize("value, nameko, ours", [(None, 60, 10), ("4", 4, 4), ("30", 30, 10)])
def test_the_heartbeat_follows_amqp_heartbeat(monkeypatch, value, nameko, ours):
    if value is None:
        monkeypatch.delenv("AMQP_HEARTBEAT", raising=False)
    else:
        monkeypatch.setenv("AMQP_HEARTBEAT", value)
    setup_yaml_parser()
    config = yaml.safe_load(CONFIG.read_text())
    assert config["HEARTBEAT"] == nameko  # an int: nameko passes it on to kombu as it is
    assert heartbeat(config) == ours
