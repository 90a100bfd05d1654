import base64

import orjson
import pytest

from workers.records import RawArticle, Rejection
from workers.schemas import validate
from workers.settings import Settings
from workers.binder import MAX_DEAD_LETTER_PAYLOAD, Incoming, dead_letter_for, decode_message

SCHEMAS = Settings.from_env({}).schemas_dir
GOOD = {"article_id": "a", "source": "s", "published_at": "2022-01-01T00:00:00Z", "content_type": "text/plain",
        "body": "x"}


@pytest.mark.parametrize("value, reason", [
    ("text", "not_bytes"),
    (b"", "empty_message"),
    (b"\xff\xfe\x00", "not_utf8"),
    (b"{nope", "invalid_json"),
    (b"[]", "schema_violation"),
    (orjson.dumps({**GOOD, "published_at": 3}), "schema_violation"),
    (b"[" * 100000 + b"]" * 100000, "invalid_json"),
])
def test_bad_messages_are_rejected_with_a_reason(value, reason):
    out = decode_message(value, SCHEMAS, "raw_article", RawArticle.from_dict)
    assert isinstance(out, Rejection) and out.reason == reason


def test_good_message_becomes_a_record():
    out = decode_message(orjson.dumps(GOOD), SCHEMAS, "raw_article", RawArticle.from_dict)
    assert isinstance(out, RawArticle) and out.body == "x"


def test_dead_letter_keeps_payload_as_text_or_base64_and_matches_schema():
    text = dead_letter_for("extract", Incoming("t", 0, 5, b"k", b"{broken"), Rejection("invalid_json", "x"))
    assert text.payload == "{broken" and text.payload_base64 is None and text.offset == 5
    binary = dead_letter_for("extract", Incoming("t", 1, 6, None, b"\xff\x00"), Rejection("not_utf8", "y"))
    assert binary.payload is None and base64.b64decode(binary.payload_base64) == b"\xff\x00"
    big = dead_letter_for("extract", Incoming("t", 1, 7, b"k", b"a" * (MAX_DEAD_LETTER_PAYLOAD + 10)),
                          Rejection("too_big", ""))
    assert big.payload_truncated and len(big.payload) == MAX_DEAD_LETTER_PAYLOAD
    for record in (text, binary, big):
        validate(SCHEMAS, "dead_letter", record.to_dict())
