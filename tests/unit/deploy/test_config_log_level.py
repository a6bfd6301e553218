"""deploy/config.yaml, as `nameko run --config` reads it: the log level comes from LOG_LEVEL."""
from pathlib import Path

import pytest
import yaml
from nameko.cli.main import setup_yaml_parser

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "config.yaml"


@pytest.mark.parametrize("value, level", [(None, "INFO"), ("WARNING", "WARNING")])
def test_the_root_log_level_follows_log_level(monkeypatch, value, level):
    if value is None:
        monkeypatch.delenv("LOG_LEVEL", raising=False)
    else:
        monkeypatch.setenv("LOG_LEVEL", value)
    setup_yaml_parser()
    config = yaml.safe_load(CONFIG.read_text())
    assert config["LOGGING"]["root"] == {"level": level, "handlers": ["console"]}
