"""Structured logs: one JSON object per line, correlation ids, and no personal data in them."""
import io
import json
import logging
import logging.config
from pathlib import Path

import pytest
import yaml
from nameko.cli.main import setup_yaml_parser

from shared import logs
from shared.logs import (ContextFilter, Correlation, JsonFormatter, PersonalDataFilter, correlated,
                         current_correlation_id, mask_personal_data, request_id)

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "config.yaml"
ID_NUMBER = "11010519491231002X"
ID_DIGITS = "370102198803150417"
MOBILE = "13812345678"


@pytest.fixture
def logger():
    """A logger writing through the console handler configured by deploy/config.yaml's LOGGING."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_yaml_parser()  # as `nameko run --config` reads it: ${LOG_LEVEL:INFO} and the like
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["LOGGING"]
    logging.config.dictConfig(config)
    handler = next(h for h in root.handlers if isinstance(h.formatter, JsonFormatter))
    handler.setStream(stream)
    log = logging.getLogger("xinfang.test")

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]
    log.lines = lines
    yield log
    root.handlers[:], root.level = saved


def test_the_logging_section_makes_one_json_object_per_line(logger):
    logs.set_service("intake")
    logger.info("registered %s petitions", 3)
    logger.warning("second\nline")
    first, second = logger.lines()
    assert first["message"] == "registered 3 petitions"
    assert first["level"] == "INFO" and first["logger"] == "xinfang.test" and first["service"] == "intake"
    assert first["time"].endswith("+00:00") and "T" in first["time"]
    assert first["correlation_id"] is None
    assert second["message"] == "second\nline" and second["level"] == "WARNING"


def test_the_correlation_id_and_the_exception_are_in_the_record(logger):
    with correlated("req-42"):
        try:
            raise ValueError("bad value")
        except ValueError:
            logger.exception("it failed")
    logger.info("after")
    failed, after = logger.lines()
    assert failed["correlation_id"] == "req-42"
    assert "Traceback" in failed["exception"] and "ValueError: bad value" in failed["exception"]
    assert after["correlation_id"] is None and "exception" not in after


def test_personal_data_is_masked_in_messages_arguments_and_exceptions(logger):
    logger.info("petitioner %s, phone %s, id %s", "张三", MOBILE, ID_NUMBER)
    logger.info(f"raw text {ID_DIGITS}; call +86 {MOBILE} or 86{MOBILE}")
    try:
        raise RuntimeError(f"no such petitioner {ID_NUMBER} / {MOBILE}")
    except RuntimeError:
        logger.exception("lookup failed")
    text = json.dumps(logger.lines(), ensure_ascii=False)
    for secret in (ID_NUMBER, ID_DIGITS, MOBILE, "19491231", "19880315", "1234"):
        assert secret not in text.replace("****", "")
    first = logger.lines()[0]["message"]
    assert "138****5678" in first and "1101**********002X" in first


@pytest.mark.parametrize("text, expected", [
    (f"id {ID_DIGITS}.", "id 3701**********0417."),
    (f"m:{MOBILE},", "m:138****5678,"),
    (f"+86-{MOBILE}", "+86-138****5678"),
    ("position 1234567890123456789", "position 1234567890123456789"),  # 19 digits: not an ID number
    ("12345678901", "12345678901"),  # not a mobile prefix
    ("123812345678", "123812345678"),  # 12 digits
    ("uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301", "uuid 3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
])
def test_masking_keeps_what_is_not_a_person_s_number(text, expected):
    assert mask_personal_data(text) == expected


def test_the_filters_work_with_a_plain_format_too():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "call %s", (MOBILE,), None)
    with correlated("abc"):
        ContextFilter().filter(record)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "call 138****5678"
    assert record.correlation_id == "abc" and record.service


def test_a_bad_format_string_is_still_logged():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "two %s %s", (MOBILE,), None)
    assert PersonalDataFilter().filter(record)
    assert MOBILE not in record.getMessage()


def test_request_ids_are_taken_when_sane_and_made_otherwise():
    assert request_id("abc-123_XYZ.9") == "abc-123_XYZ.9"
    for bad in (None, "", "x" * 200, "a b", "evil\nheader", '{"json": 1}'):
        made = request_id(bad)
        assert made != bad and len(made) == 32


def test_correlated_nests_and_restores():
    assert current_correlation_id() is None
    with correlated("outer"):
        with correlated(None):
            assert current_correlation_id() == "outer"
        with correlated("inner"):
            assert current_correlation_id() == "inner"
        assert current_correlation_id() == "outer"
    assert current_correlation_id() is None


class FakeWorkerContext:
    def __init__(self, data):
        self.data = data


def test_each_worker_runs_with_the_correlation_id_it_was_called_with_or_a_new_one():
    provider = Correlation()
    called = FakeWorkerContext({"correlation_id": "from-gateway"})
    provider.worker_setup(called)
    assert current_correlation_id() == "from-gateway"
    provider.worker_teardown(called)
    assert current_correlation_id() is None

    timer = FakeWorkerContext({})
    provider.worker_setup(timer)
    made = timer.data["correlation_id"]  # passed on with the RPC calls the worker makes
    assert current_correlation_id() == made and len(made) == 32
    provider.worker_teardown(timer)
    assert current_correlation_id() is None
