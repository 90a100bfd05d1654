import re
from pathlib import Path

import pytest

from workers.settings import SETTINGS_DOC, Settings, SettingsError


def test_defaults_without_environment():
    s = Settings.from_env({})
    assert s.bootstrap_servers == ""
    assert s.security_protocol == "PLAINTEXT"
    assert s.topics_file.name == "topics.yaml" and s.topics_file.is_file()
    assert s.schemas_dir.is_dir()
    assert s.log_level == "WARNING"


def test_values_are_read_and_typed():
    s = Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092", "FRONTWIRE_MAX_RAW_BYTES": "123",
                           "FRONTWIRE_DEDUP_THRESHOLD": "0.7", "kafka_security_protocol": "ignored",
                           "KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "FRONTWIRE_LOG_LEVEL": "info"})
    assert s.bootstrap_servers == "k1:9092,k2:9092"
    assert s.max_raw_bytes == 123
    assert s.dedup_threshold == 0.7
    assert s.security_protocol == "SASL_SSL"
    assert s.log_level == "INFO"


@pytest.mark.parametrize("name", ["FRONTWIRE_MAX_RAW_BYTES", "FRONTWIRE_WEB_PORT"])
def test_bad_integer_is_a_clear_error(name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: "lots"})


def test_password_is_redacted():
    s = Settings.from_env({"KAFKA_SASL_PASSWORD": "hunter2"})
    assert "hunter2" not in repr(s)
    assert "hunter2" not in str(s.redacted())


def test_every_documented_variable_is_read_and_every_read_variable_documented():
    source = (Path(__file__).resolve().parents[2] / "workers" / "settings.py").read_text()
    body = source.split("def from_env", 1)[1].split("def redacted", 1)[0]
    read = set(re.findall(r'"((?:KAFKA|FRONTWIRE)_[A-Z_]+)"', body))
    documented = {s.env for s in SETTINGS_DOC}
    assert read == documented


def test_readme_settings_table_is_current():
    from workers.settings import PROJECT_ROOT, settings_table_markdown

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings-table:start -->", 1)[1].split("<!-- settings-table:end -->", 1)[0]
    assert table.strip() == settings_table_markdown().strip(), "regenerate the README table from SETTINGS_DOC"
