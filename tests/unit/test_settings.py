from dataclasses import fields

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


def test_every_setting_is_read_from_its_documented_variable():
    assert [s.env for s in SETTINGS_DOC] == [f.metadata["env"] for f in fields(Settings)]
    assert len({s.env for s in SETTINGS_DOC}) == len(SETTINGS_DOC)
    defaults = Settings()
    # settings whose text has a form of its own: the text to set and the value it must give
    special = {"FRONTWIRE_LOG_FORMAT": ("JSON", "json"), "FRONTWIRE_INGEST_ALLOW_PRIVATE": ("yes", True),
               "FRONTWIRE_WEBHOOKS": ("http://a.example/h, https://b.example/h",
                                      ("http://a.example/h", "https://b.example/h"))}
    for f in fields(Settings):
        env = f.metadata["env"]
        if env in special:
            raw, expected = special[env]
            assert getattr(Settings.from_env({env: raw}), f.name) == expected != getattr(defaults, f.name), env
            continue
        raw = {"int": "7", "float": "7.5", "Path": "/tmp/elsewhere"}.get(f.type, "other-value")
        got = getattr(Settings.from_env({env: raw}), f.name)
        assert got != getattr(defaults, f.name) and str(got).lower() in (raw.lower(), "7.5", "7"), f.name
        assert getattr(Settings.from_env({f.metadata["env"]: ""}), f.name) == getattr(defaults, f.name), f.name


def test_each_setting_has_a_help_line_and_the_docs_show_its_default():
    shown = {s.env: s.default for s in SETTINGS_DOC}
    assert all(s.help for s in SETTINGS_DOC)
    assert shown["FRONTWIRE_DEDUP_WINDOW_DAYS"] == "7" and shown["FRONTWIRE_DATA_DIR"] == "~/.frontwire"
    assert shown["KAFKA_BOOTSTRAP_SERVERS"] == "" and shown["FRONTWIRE_MAX_MESSAGE_BYTES"] == "8000000"


def test_readme_settings_table_is_current():
    from workers.settings import PROJECT_ROOT, settings_table_markdown

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings-table:start -->", 1)[1].split("<!-- settings-table:end -->", 1)[0]
    assert table.strip() == settings_table_markdown().strip(), "regenerate the README table from SETTINGS_DOC"
