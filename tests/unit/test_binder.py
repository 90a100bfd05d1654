import asyncio
import base64

import orjson
import pytest
from aiokafka.errors import (KafkaConnectionError, KafkaTimeoutError, MessageSizeTooLargeError,
                             NotLeaderForPartitionError, RequestTimedOutError)

from workers.records import RawArticle, Rejection
from workers.schemas import validate
from workers.settings import Settings
from workers.binder import (MAX_DEAD_LETTER_PAYLOAD, RETRY_FIRST_S, Incoming, StageIO, StageRunner, dead_letter_for,
                            decode_message)
from workers.kafka.retry import is_transient
from workers.stage import Emit, Stage, StageSpec, StepResult

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


# ------------------------------------------------------------------ sends the broker failed: retried, not dead-lettered

class EchoStage(Stage):
    """Sends each raw article's id on to the extracted topic and remembers it (a state write)."""

    spec = StageSpec("echo", reads="raw", writes=("extracted",), table="dedup_index")
    decoders = {"raw": ("raw_article", RawArticle.from_dict)}

    def step(self, role: str, record: RawArticle) -> StepResult:
        return StepResult([Emit("extracted", record.article_id, {"id": record.article_id})],
                          [(record.article_id, "seen")])


class FakeProducer:
    """A producer function: raises the queued errors (one per call) on send or on delivery, else records."""

    def __init__(self, on_send: list[BaseException] = (), on_delivery: list[BaseException] = ()) -> None:
        self.on_send, self.on_delivery = list(on_send), list(on_delivery)
        self.sent: list[tuple[str, bytes, bytes]] = []

    async def __call__(self, role: str, key: bytes, value: bytes):  # the binder's `Send`
        if self.on_send:
            raise self.on_send.pop(0)
        self.sent.append((role, key, value))
        delivery = asyncio.get_running_loop().create_future()
        if self.on_delivery:
            delivery.set_exception(self.on_delivery.pop(0))
        else:
            delivery.set_result(None)
        return delivery


def _run(producer: FakeProducer) -> tuple[EchoStage, list[float]]:
    stage, delays = EchoStage(Settings.from_env({})), []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    runner = StageRunner(stage, SCHEMAS, StageIO("echo", producer, sleep=sleep))
    asyncio.run(runner.handle(Incoming("raw", 0, 0, b"a", orjson.dumps(GOOD))))
    return stage, delays


@pytest.mark.parametrize("error", [KafkaTimeoutError(), NotLeaderForPartitionError(), RequestTimedOutError(),
                                   KafkaConnectionError("connection reset")], ids=lambda e: type(e).__name__)
def test_a_send_that_fails_transiently_is_retried_with_backoff_not_dead_lettered(error: Exception) -> None:
    producer = FakeProducer(on_send=[error, error, error])
    stage, delays = _run(producer)
    assert [role for role, _, _ in producer.sent] == ["extracted"]  # sent once it went through, no dead letter
    assert delays == [RETRY_FIRST_S, 2 * RETRY_FIRST_S, 4 * RETRY_FIRST_S]
    assert stage.state == {"a": "seen"}


def test_a_delivery_that_fails_transiently_is_sent_again_before_the_state_is_written() -> None:
    producer = FakeProducer(on_delivery=[NotLeaderForPartitionError()])
    stage, delays = _run(producer)
    assert [role for role, _, _ in producer.sent] == ["extracted", "extracted"] and delays == [RETRY_FIRST_S]
    assert stage.state == {"a": "seen"}


def test_a_send_error_about_the_message_itself_dead_letters_the_input() -> None:
    producer = FakeProducer(on_send=[MessageSizeTooLargeError()])
    stage, delays = _run(producer)
    ((role, _, value),) = producer.sent
    assert role == "deadletter" and orjson.loads(value)["reason"] == "stage_error" and delays == []
    assert "MessageSizeTooLargeError" in orjson.loads(value)["detail"] and stage.state == {}


def test_which_client_errors_are_transient() -> None:
    assert all(is_transient(e) for e in (KafkaTimeoutError(), NotLeaderForPartitionError(), RequestTimedOutError()))
    assert not any(is_transient(e) for e in (MessageSizeTooLargeError(), ValueError("bad"), KeyError("x")))
