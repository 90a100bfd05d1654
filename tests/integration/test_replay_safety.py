"""Replay on a real broker: only regular files inside the directory, every rejection dead-lettered (issue 16)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from tests.integration.conftest import read_all
from workers.pipeline import run_pipeline
from workers.settings import PROJECT_ROOT
from workers.stage0_replay.publish import replay_directory

pytestmark = pytest.mark.integration

SEED = PROJECT_ROOT / "seeds" / "003_d462fe83122b988d"


def _secret_outside(tmp_path: Path) -> tuple[Path, bytes]:
    marker = f"SECRET-{uuid.uuid4().hex}".encode()
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "passwd.txt"
    secret.write_bytes(b"root:x:0:0:" + marker + b"\n" * 3 + b"Ukrainian forces liberated Izium. " * 5)
    return secret, marker


def _everything_on_the_broker(settings, bootstrap, topics) -> bytes:
    return b"\n".join((key or b"") + b"\t" + value for spec in topics.values()
                      for key, value in read_all(settings, bootstrap, spec))


def _frontwire(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "workers", *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=timeout)


def test_a_symlink_out_of_the_directory_never_reaches_a_topic(settings, bootstrap, topics, tmp_path):
    secret, marker = _secret_outside(tmp_path)
    replay_dir = tmp_path / "replay"
    replay_dir.mkdir()
    (replay_dir / "01-good.txt").write_text("Ukrainian forces liberated Balakliia on Thursday.", encoding="utf-8")
    (replay_dir / "02-inside.txt").symlink_to(replay_dir / "01-good.txt")
    (replay_dir / "10-passwd.txt").symlink_to(secret)
    (replay_dir / "11-batch.jsonl").symlink_to(secret)
    (replay_dir / "12-link.meta.json").symlink_to(secret)  # a sidecar that is a link to outside
    (replay_dir / "12-link.txt").write_text("Russian forces entered Kupiansk.", encoding="utf-8")

    plain = asyncio.run(replay_directory(settings, bootstrap, topics["raw"].name, replay_dir))
    assert {s.origin: s.code for s in plain.skipped} == {
        "02-inside.txt": "symlink", "10-passwd.txt": "symlink", "11-batch.jsonl": "symlink", "12-link.txt": "symlink"}
    followed = asyncio.run(replay_directory(settings, bootstrap, topics["raw"].name, replay_dir, follow_symlinks=True))
    assert {s.origin: s.code for s in followed.skipped} == {
        "10-passwd.txt": "symlink_outside_directory", "11-batch.jsonl": "symlink_outside_directory",
        "12-link.txt": "symlink_outside_directory"}
    assert len(plain.published) == 1 and len(followed.published) == 2  # the link inside is read when asked

    on_broker = _everything_on_the_broker(settings, bootstrap, topics)
    assert b"Balakliia" in on_broker  # the check reads what was published
    assert marker not in on_broker and b"root:x:0:0" not in on_broker
    dead = [json.loads(v) for _, v in read_all(settings, bootstrap, topics["deadletter"])]
    assert sorted((d["stage"], d["key"], d["reason"]) for d in dead) == sorted(
        [("replay", s.origin, s.code) for s in plain.skipped + followed.skipped])
    assert all(d["payload"] is None for d in dead if d["key"] != "12-link.txt")  # links are never read
    assert [d["payload"] for d in dead if d["key"] == "12-link.txt"] == ["Russian forces entered Kupiansk."] * 2


def _bad_inputs(tmp_path: Path, max_bytes: int) -> Path:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "01-oversize.txt").write_bytes(b"Ukrainian forces liberated Izium. " * (max_bytes // 30))
    (d / "02-badjson.txt").write_text("Russian forces captured Lyman.", encoding="utf-8")
    (d / "02-badjson.meta.json").write_text("{not json", encoding="utf-8")
    (d / "03-yesterday.txt").write_text("Russian forces captured Siversk.", encoding="utf-8")
    (d / "03-yesterday.meta.json").write_text('{"published_at": "yesterday"}', encoding="utf-8")
    (d / "04-batch.jsonl").write_bytes(b"{broken\n[1, 2]\n")
    (d / "05-notes.pdf").write_bytes(b"%PDF-1.4 not an article")
    secret, _ = _secret_outside(tmp_path)
    (d / "06-passwd.txt").symlink_to(secret)
    shutil.copy(SEED.with_suffix(".txt"), d / "99-good.txt")
    shutil.copy(SEED.with_suffix(".meta.json"), d / "99-good.meta.json")
    return d


EXPECTED = {("01-oversize.txt", "file_too_large"), ("02-badjson.txt", "invalid_sidecar"),
            ("03-yesterday.txt", "invalid_published_at"), ("04-batch.jsonl:1", "invalid_json"),
            ("04-batch.jsonl:2", "not_an_object"), ("05-notes.pdf", "unsupported_type"),
            ("06-passwd.txt", "symlink")}


def test_bad_inputs_are_dead_lettered_counted_by_status_and_a_good_article_after_them_alerts(
        settings, bootstrap, topics, tmp_path):
    max_bytes = 300_000
    settings = replace(settings, max_message_bytes=max_bytes)
    directory = _bad_inputs(tmp_path, max_bytes)
    result = asyncio.run(run_pipeline(settings, bootstrap, directory))
    assert {(s.origin, s.code) for s in result.replay.skipped} == EXPECTED
    assert ("Kupiansk", "contested") in {(a["settlement"]["name"], a["new_status"]) for a in result.alerts}

    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix,
           "FRONTWIRE_DATA_DIR": str(settings.data_dir), "FRONTWIRE_MAX_MESSAGE_BYTES": str(max_bytes)}
    listed = _frontwire("dlq", "list", "--json", "--stage", "replay", env=env)
    assert listed.returncode == 0, listed.stderr
    dead = [json.loads(line) for line in listed.stdout.splitlines()]
    assert {(d["key"], d["reason"]) for d in dead} == EXPECTED and len(dead) == len(EXPECTED)
    by_key = {d["key"]: d for d in dead}
    assert by_key["02-badjson.txt"]["payload"] == "Russian forces captured Lyman."  # content under the limit
    assert by_key["04-batch.jsonl:1"]["payload"] == "{broken\n"
    assert by_key["01-oversize.txt"]["payload"] is None and by_key["01-oversize.txt"]["payload_truncated"]
    assert by_key["06-passwd.txt"]["payload"] is None

    table = _frontwire("dlq", "list", env=env)
    assert table.returncode == 0, table.stderr
    header, *rows = table.stdout.splitlines()
    assert header.split()[:3] == ["POSITION", "STAGE", "REASON"]
    assert sum(1 for r in rows if " replay " in r) == len(EXPECTED)

    status = _frontwire("status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    doc = json.loads(status.stdout)
    assert sum(doc["replay_dead_letters"].values()) == len(EXPECTED)
    assert doc["dead_lettered"] >= len(EXPECTED)

    strict = _frontwire("replay", str(directory), "--strict", env=env)
    assert strict.returncode == 4, strict.stderr
    assert f"skipped {len(EXPECTED)}" in strict.stdout
    # each rejection is reported once, as one JSON log line (not again in the summary) ...
    warnings = [json.loads(line) for line in strict.stderr.splitlines() if line.startswith("{")]
    assert sorted((w["file"], w["reason"]) for w in warnings) == sorted(EXPECTED)
    assert "06-passwd.txt" not in strict.stdout
    # ... or as one human line
    relaxed = _frontwire("replay", str(directory), env={**env, "FRONTWIRE_LOG_FORMAT": "text"})
    assert relaxed.returncode == 0, relaxed.stderr
    lines = relaxed.stderr.splitlines()
    assert [line for line in lines if "06-passwd.txt" in line] == [
        "warning: skipped 06-passwd.txt: a symbolic link, not followed (--follow-symlinks reads links to files "
        "inside the directory)"]
    assert sum(line.startswith("warning: skipped ") for line in lines) == len(EXPECTED)
