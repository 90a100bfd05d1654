"""Help text, reasons, replay file policy, tail options, readiness and log format (issue 16), without Kafka."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from workers.cli import cli
from workers.cli_help import COMMAND_ENV
from workers.logs import TextFormatter, resolve_format
from workers.operations.deadletters import DeadLetterEntry, entry_table, known_reasons, plan_replay
from workers.readiness import Readiness
from workers.settings import PROJECT_ROOT, SETTINGS_DOC, Settings, SettingsError
from workers.stage0_replay.core import ReplayItem, Skipped, read_replay_dir
from workers.subscribe import StartAt, matches, parse_offset, parse_since

RUNNER = CliRunner()
COMMANDS = sorted(COMMAND_ENV)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_type_noise_and_names_the_environment(command):
    result = RUNNER.invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "<bool>" not in text and "<str>" not in text and "<path>" not in text and "{" not in text
    assert re.search(r"^  --help\s+Show this message", text, re.M)
    assert "Environment" in text
    for names in COMMAND_ENV[command].values():
        for name in names:
            assert name in text, (command, name)


def test_every_command_has_an_environment_entry_and_every_name_is_a_setting():
    documented = {s.env for s in SETTINGS_DOC}
    for names in (n for groups in COMMAND_ENV.values() for n in groups.values()):
        assert set(names) <= documented
    top = RUNNER.invoke(cli, ["--help"]).output
    listed = set(re.findall(r"^  (\w+)\s", top.split("Commands:")[1], re.M))
    groups = {"topics": ["apply", "list"], "alerts": ["tail"], "dlq": ["list", "replay"]}
    every = {f"{c} {sub}" for c in listed for sub in groups.get(c, [])} | (listed - set(groups))
    assert every == set(COMMAND_ENV)


def test_arguments_are_shown_by_name_and_options_by_metavar():
    text = RUNNER.invoke(cli, ["replay", "--help"]).output
    assert " replay [OPTIONS] DIR\n" in text
    assert "--rate N" in text and "--timeout SECONDS" in text
    assert re.search(r"^  --strict\s+Exit", text, re.M)  # a flag shows no value


def test_every_reason_the_code_gives_is_known():
    code = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "workers").rglob("*.py"))
    given = set(re.findall(r'Rejection\("([a-z0-9_]+)"', code)) - {"skipped"}  # `explain` only, never a letter
    given |= set(re.findall(r'code="([a-z0-9_]+)"', code))
    assert given and given <= set(known_reasons())


def test_replay_dead_letters_are_not_replayed_to_a_topic():
    entry = DeadLetterEntry(0, 0, {"stage": "replay", "reason": "invalid_json", "topic": None, "key": "a.jsonl:1",
                                   "payload": "{broken", "payload_truncated": False})
    messages, report = plan_replay([entry], {"frontwire.articles.raw"})
    assert messages == [] and "replay its directory" in report.skipped[0][1]


def test_dead_letter_table_has_a_header_and_one_row_each():
    entries = [DeadLetterEntry(0, n, {"stage": "extract", "reason": "raw_too_large", "topic": "raw",
                                      "partition": 1, "offset": n, "key": "k", "detail": "too big\x1b[31m",
                                      "payload": "body", "failed_at": "2022-09-10T18:00:00Z"}) for n in range(2)]
    header, *rows = entry_table(entries).splitlines()
    assert header.split() == ["POSITION", "STAGE", "REASON", "FROM", "FAILED", "AT", "DETAIL", "PAYLOAD"]
    assert len(rows) == 2 and rows[1].startswith("0:1 ") and "\x1b" not in rows[0]


def test_replay_reads_only_regular_files_inside_the_directory(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    d = tmp_path / "d"
    d.mkdir()
    (d / "01-a.txt").write_text("article a")
    (d / "02-in.txt").symlink_to(d / "01-a.txt")
    (d / "03-out.txt").symlink_to(outside)
    (d / "04-broken.txt").symlink_to(d / "missing.txt")
    os.mkfifo(d / "05-fifo.txt")
    (d / "06-dir.txt").mkdir()
    plain = {i.origin: (i.code if isinstance(i, Skipped) else "read") for i in read_replay_dir(d)}
    assert plain == {"01-a.txt": "read", "02-in.txt": "symlink", "03-out.txt": "symlink",
                     "04-broken.txt": "symlink", "05-fifo.txt": "not_regular_file"}
    followed = {i.origin: (i.code if isinstance(i, Skipped) else "read")
                for i in read_replay_dir(d, follow_symlinks=True)}
    assert followed == {"01-a.txt": "read", "02-in.txt": "read", "03-out.txt": "symlink_outside_directory",
                        "04-broken.txt": "unreadable", "05-fifo.txt": "not_regular_file"}
    skipped = [i for i in read_replay_dir(d, follow_symlinks=True) if isinstance(i, Skipped)]
    assert all(s.content is None for s in skipped)  # nothing of a link out, a FIFO or a broken link is read
    item = next(i for i in read_replay_dir(d, follow_symlinks=True) if i.origin == "02-in.txt")
    assert isinstance(item, ReplayItem) and item.value["body"] == "article a" and item.value["source"] == "02-in"


def test_a_sidecar_that_links_out_of_the_directory_rejects_its_article(tmp_path):
    (tmp_path / "secret.json").write_text('{"source": "secret"}')
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text("article")
    (d / "a.meta.json").symlink_to(tmp_path / "secret.json")
    (item,) = read_replay_dir(d, follow_symlinks=True)
    assert isinstance(item, Skipped) and item.code == "symlink_outside_directory" and item.content == b"article"


def test_tail_start_options():
    assert parse_offset("beginning") == StartAt("beginning") and parse_offset("end") == StartAt("end")
    assert parse_offset("12") == StartAt("offset", offset=12)
    for bad in ("-1", "soon"):
        with pytest.raises(ValueError, match="--offset"):
            parse_offset(bad)
    assert parse_since("2022-09-10T18:00:00Z").since_ms == 1662832800000
    assert parse_since("2022-09-10T20:00:00+02:00").since_ms == 1662832800000
    with pytest.raises(ValueError, match="--since"):
        parse_since("yesterday")
    assert matches(b"707292", b"{}", 707292) and not matches(b"703656", b"{}", 707292)
    assert matches(None, b'{"settlement": {"id": 707292}}', 707292) and matches(b"x", b"not json", None)


class _Event:
    def __init__(self) -> None:
        self.done = False

    def is_set(self) -> bool:
        return self.done


def test_readiness_needs_assigned_input_partitions_and_running_streams():
    from aiokafka import TopicPartition as tp

    completed = _Event()
    app = SimpleNamespace(conf=SimpleNamespace(id="frontwire-dedup"), rebalancing=True,
                          tables=SimpleNamespace(recovery=SimpleNamespace(completed=completed)))
    r = Readiness(app, ["dedup"], {"frontwire.articles.extracted"})
    assert not r.state()["ready"] and "no input partition" in r.state()["reason"]
    asyncio.run(r.on_assigned(None, {tp("frontwire.articles.extracted", 0),
                                     tp("frontwire.dedup-changelog", 0)}))
    assert not r.state()["ready"] and "recovering" in r.state()["reason"]
    app.rebalancing, completed.done = False, True
    assert r.state() == {"ready": True, "group": "frontwire-dedup", "stages": ["dedup"],
                         "partitions": ["frontwire.articles.extracted[0]"]}
    asyncio.run(r.on_revoked(None, set(r.assigned)))
    assert not r.state()["ready"]


def test_log_format_setting_and_human_lines():
    assert Settings.from_env({}).log_format == "auto"
    assert Settings.from_env({"FRONTWIRE_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match="FRONTWIRE_LOG_FORMAT"):
        Settings.from_env({"FRONTWIRE_LOG_FORMAT": "xml"})
    tty = SimpleNamespace(isatty=lambda: True)
    assert resolve_format("auto", tty) == "text" and resolve_format("auto", io.StringIO()) == "json"
    assert resolve_format("json", tty) == "json"
    record = logging.LogRecord("x", logging.WARNING, "", 0, "skipped %s: link", ("a.txt",), None)
    assert TextFormatter().format(record) == "warning: skipped a.txt: link"
    assert TextFormatter(clear_line=True).format(record) == "\r\x1b[Kwarning: skipped a.txt: link"


def test_seeds_replay_without_skips():
    assert all(isinstance(i, ReplayItem) for i in read_replay_dir(Path(PROJECT_ROOT / "seeds")))
