import json

import pytest
from jsonschema import Draft202012Validator

from workers.stages import STAGES
from workers.schemas import SchemaViolation, schema_names, validate
from workers.settings import Settings
from workers.topics import load_topics

SETTINGS = Settings.from_env({})


def test_topics_file_declares_every_topic_the_stages_use():
    topics = load_topics(SETTINGS.topics_file)
    needed = {"raw", "extracted", "unique", "duplicates", "normalized", "claims", "status", "alerts", "deadletter"}
    assert needed <= set(topics)
    for stage in STAGES:
        assert stage.reads in topics and stage.inputs[0] == stage.reads
        assert all(role in topics for role in stage.inputs)
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


def test_date_time_fields_are_checked_not_just_typed():
    """"format": "date-time" is enforced (jsonschema skips it silently without rfc3339-validator)."""
    for bad in ("Lorem ipsum in Kupiansk", "2022-09-10", "yesterday"):
        with pytest.raises(SchemaViolation, match="published_at"):
            validate(SETTINGS.schemas_dir, "raw_article",
                     {"article_id": "a", "source": "s", "published_at": bad, "content_type": "text/plain", "body": "x"})


def test_every_output_is_read_by_a_later_stage_or_by_subscribers():
    consumed = {role for stage in STAGES for role in stage.inputs}
    produced = {role for stage in STAGES for role in stage.writes}
    assert produced - consumed == {"alerts", "status"}
    assert "duplicates" in next(s for s in STAGES if s.name == "normalize").inputs


def test_duplicate_schema_inlines_the_extracted_article_schema():
    def load(name):
        return json.loads((SETTINGS.schemas_dir / f"{name}.schema.json").read_text())

    extracted, article = load("extracted_article"), load("duplicate")["properties"]["article"]
    assert article["properties"] == extracted["properties"] and article["required"] == extracted["required"]


def test_republication_fields_round_trip_and_match_their_schemas():
    from workers.records import Claim, DuplicateRecord, ExtractedArticle, NormalizedArticle

    art = ExtractedArticle(article_id="r1", source="reprint", url=None, published_at="2022-09-10T18:00:00Z",
                           title="t", text="Russian troops withdrew from Izium.", language="en",
                           language_probability=1.0, content_type="text/plain")
    dup = DuplicateRecord(article_id="r1", duplicate_of="a1", similarity=0.9, kind="near", source="reprint",
                          url=None, published_at="2022-09-10T18:00:00Z", article=art)
    validate(SETTINGS.schemas_dir, "duplicate", dup.to_dict())
    assert DuplicateRecord.from_dict(dup.to_dict()) == dup
    bare = DuplicateRecord(article_id="r1", duplicate_of="a1", similarity=0.9, kind="near", source="reprint",
                           url=None, published_at="2022-09-10T18:00:00Z")
    validate(SETTINGS.schemas_dir, "duplicate", bare.to_dict())
    without = {k: v for k, v in bare.to_dict().items() if k != "article"}  # from an older producer
    assert DuplicateRecord.from_dict(without).article is None
    with pytest.raises(SchemaViolation):
        validate(SETTINGS.schemas_dir, "duplicate", dict(bare.to_dict(), article={"article_id": "r1"}))
    norm = NormalizedArticle(article=art, mentions=[], duplicate_of="a1")
    validate(SETTINGS.schemas_dir, "normalized_article", norm.to_dict())
    assert NormalizedArticle.from_dict(norm.to_dict()) == norm
    assert NormalizedArticle.from_dict(NormalizedArticle(article=art, mentions=[]).to_dict()).duplicate_of is None
    claim = Claim.from_dict({"claim_id": "c", "article_id": "r1", "source": "reprint", "url": None,
                             "published_at": "2022-09-10T18:00:00Z",
                             "settlement": {"id": 1, "name": "X", "oblast": None, "lat": 0.0, "lon": 0.0},
                             "event": "withdrawal", "actor": "russia", "implies": "ukrainian_control",
                             "quote": "q", "attribution": None, "counted": True, "reason": "r", "hedged": False})
    assert claim.duplicate_of is None
    claim.duplicate_of = "a1"
    validate(SETTINGS.schemas_dir, "claim", claim.to_dict())
    assert Claim.from_dict(claim.to_dict()).duplicate_of == "a1"


@pytest.mark.parametrize("prefix, expected", [
    ("", "frontwire.articles.raw"),
    ("clean", "clean.frontwire.articles.raw"),
    ("clean.", "clean.frontwire.articles.raw"),
    ("team-", "team-frontwire.articles.raw"),
    ("t_", "t_frontwire.articles.raw"),
])
def test_topic_prefix_joins_with_a_dot_unless_it_ends_in_a_separator(prefix, expected):
    assert load_topics(SETTINGS.topics_file, prefix)["raw"].name == expected


def test_consumer_groups_take_the_prefix_the_same_way_and_status_finds_them():
    from dataclasses import replace

    from workers.app import group_id
    from workers.operations.status import stages_of_group
    from workers.stages import STAGE_NAMES

    settings = replace(SETTINGS, topic_prefix="clean")
    assert group_id(settings, list(STAGE_NAMES)) == "clean.frontwire-all"
    assert group_id(settings, ["extract"]) == "clean.frontwire-extract"
    assert stages_of_group("clean.frontwire-extract", "clean") == ["extract"]
    assert stages_of_group("cleanfrontwire-extract", "clean") == []


def test_the_stage_graph_and_decoders_agree_with_topics_yaml():
    """topics.yaml's writer/readers and value schemas say what the Stage specs and decoders do."""
    from workers.registry import make_stage

    topics = load_topics(SETTINGS.topics_file)
    for spec in STAGES:
        stage = make_stage(spec.name, SETTINGS)
        assert set(stage.decoders) == set(spec.inputs), spec.name
        for role in spec.inputs:
            assert spec.name in topics[role].readers, (spec.name, role)
            assert stage.decoders[role][0] == topics[role].value_schema, (spec.name, role)
        for role in spec.writes:
            assert spec.name in topics[role].writer, (spec.name, role)
    for role, topic in topics.items():
        for reader in topic.readers:
            spec = next((s for s in STAGES if s.name == reader), None)
            assert spec is None or role in (*spec.inputs, spec.table), (role, reader)
        for writer in topic.writer:
            spec = next((s for s in STAGES if s.name == writer), None)
            assert spec is None or role in (*spec.writes, spec.table, "deadletter"), (role, writer)
