import json

import pytest
from jsonschema import Draft202012Validator

from workers.app import STAGES
from workers.schemas import SchemaViolation, schema_names, validate
from workers.settings import Settings
from workers.topics import load_topics

SETTINGS = Settings.from_env({})


def test_topics_file_declares_every_topic_the_stages_use():
    topics = load_topics(SETTINGS.topics_file)
    needed = {"raw", "extracted", "unique", "duplicates", "normalized", "claims", "status", "alerts", "deadletter"}
    assert needed <= set(topics)
    for stage in STAGES:
        assert stage.reads in topics
        assert all(role in topics for role in stage.writes)
        if stage.table:
            # a faust table's changelog must have as many partitions as the topic it is keyed like
            assert topics[stage.table].partitions == topics[stage.reads].partitions
            assert topics[stage.table].cleanup_policy == "compact"
    assert topics["status"].cleanup_policy == "compact"


def test_every_topic_value_has_a_schema_and_every_schema_is_valid():
    names = set(schema_names(SETTINGS.schemas_dir))
    for spec in load_topics(SETTINGS.topics_file).values():
        assert spec.value_schema in names, spec.role
    for name in names:
        schema = json.loads((SETTINGS.schemas_dir / f"{name}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)


def test_prefix_goes_in_front_of_every_name():
    plain = load_topics(SETTINGS.topics_file)
    prefixed = load_topics(SETTINGS.topics_file, "t1.")
    assert all(prefixed[r].name == "t1." + plain[r].name for r in plain)


def test_validate_reports_where_a_message_is_wrong():
    with pytest.raises(SchemaViolation, match="published_at"):
        validate(SETTINGS.schemas_dir, "raw_article",
                 {"article_id": "a", "source": "s", "published_at": 5, "content_type": "text/plain", "body": "x"})
    with pytest.raises(SchemaViolation):
        validate(SETTINGS.schemas_dir, "raw_article",
                 {"article_id": "a", "source": "s", "published_at": "2022-01-01T00:00:00Z", "content_type": "text/plain"})
    validate(SETTINGS.schemas_dir, "raw_article",
             {"article_id": "a", "source": "s", "published_at": "2022-01-01T00:00:00Z", "content_type": "text/plain",
              "body": "x"})
