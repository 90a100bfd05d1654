import base64
import os

import orjson
import pytest

from workers.records import RawArticle
from workers.schemas import validate
from workers.settings import Settings
from workers.stage0_replay.core import ReplayItem, Skipped, article_id_for, read_replay_dir

SCHEMAS = Settings.from_env({}).schemas_dir


def _items(path):
    return list(read_replay_dir(path))


def test_sidecar_by_stem_and_by_full_name(tmp_path):
    (tmp_path / "01-a.txt").write_text("Headline\n\nBody text.", encoding="utf-8")
    (tmp_path / "01-a.meta.json").write_text('{"source": "wire-a", "published_at": "2022-09-10T18:00:00+02:00"}')
    (tmp_path / "02-b.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    (tmp_path / "02-b.html.meta.json").write_text('{"source": "wire-b", "url": "https://b.example/1", "language": "uk"}')
    a, b = _items(tmp_path)
    assert a.value["source"] == "wire-a" and a.value["published_at"] == "2022-09-10T16:00:00Z"
    assert a.value["content_type"] == "text/plain" and a.value["body"].startswith("Headline")
    assert b.value["source"] == "wire-b" and b.value["url"] == "https://b.example/1" and b.value["language"] == "uk"
    assert b.value["content_type"] == "text/html"
    for item in (a, b):
        validate(SCHEMAS, "raw_article", item.value)
        assert item.key.decode() == item.value["article_id"]


def test_without_sidecar_source_is_stem_and_time_is_mtime(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("Some report", encoding="utf-8")
    os.utime(path, (1662832800, 1662832800))
    (item,) = _items(tmp_path)
    assert item.value["source"] == "report"
    assert item.value["published_at"] == "2022-09-10T18:00:00Z"


def test_lexical_order_and_ignored_files(tmp_path):
    for name in ("b.txt", "a.txt", "c.html"):
        (tmp_path / name).write_text("text", encoding="utf-8")
    (tmp_path / "gold.json").write_text("{}")
    (tmp_path / "README").write_text("read me")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    items = _items(tmp_path)
    published = [i.origin for i in items if isinstance(i, ReplayItem)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert published == ["a.txt", "b.txt", "c.html"]
    assert [s.origin for s in skipped] == ["notes.pdf"]  # article-like: warned; png: ignored
    assert "unsupported" in skipped[0].reason


def test_non_utf8_body_travels_as_base64(tmp_path):
    raw = "Ізюм звільнено".encode("cp1251")
    (tmp_path / "a.txt").write_bytes(raw)
    (item,) = _items(tmp_path)
    assert "body" not in item.value
    assert base64.b64decode(item.value["body_base64"]) == raw
    validate(SCHEMAS, "raw_article", item.value)


def test_invalid_sidecar_is_skipped_with_reason(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "a.meta.json").write_text("{not json")
    (item,) = _items(tmp_path)
    assert isinstance(item, Skipped) and "sidecar" in item.reason


def test_oversize_file_is_skipped(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 2000)
    (item,) = list(read_replay_dir(tmp_path, max_bytes=1000))
    assert isinstance(item, Skipped) and "larger" in item.reason


def test_jsonl_lines(tmp_path):
    good = RawArticle(article_id="abc", source="s", url=None, published_at="2022-01-01T00:00:00Z",
                      content_type="text/plain", body="hello").to_dict()
    lines = [orjson.dumps(good), b"", b"[1, 2]", b"{broken", orjson.dumps({"source": "no id"})]
    (tmp_path / "batch.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    items = _items(tmp_path)
    assert [type(i).__name__ for i in items] == ["ReplayItem", "Skipped", "Skipped", "ReplayItem"]
    assert items[0].key == b"abc" and items[0].value == good
    assert items[1].origin == "batch.jsonl:3"
    assert len(items[3].key) == 32  # a line without article_id gets a key from its bytes


def test_article_id_is_stable_and_depends_on_source_and_body():
    a = article_id_for("s", "u", b"body")
    assert a == article_id_for("s", "u", b"body")
    assert a != article_id_for("t", "u", b"body")
    assert a != article_id_for("s", "u", b"body2")


@pytest.mark.parametrize("name", ["000_430bb562dbb43c8a.txt", "003_d462fe83122b988d.txt"])
def test_project_seeds_have_sidecars(name):
    from workers.settings import PROJECT_ROOT

    items = [i for i in read_replay_dir(PROJECT_ROOT / "seeds") if isinstance(i, ReplayItem)]
    item = next(i for i in items if i.origin == name)
    assert item.value["source"] in ("nextbigfuture", "battleswarm")
    assert item.value["language"] == "en"
