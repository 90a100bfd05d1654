"""The `frontwire` command as a user runs it: README's main job, explain, topics, help."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time

import pytest

from workers.settings import PROJECT_ROOT, Settings
from workers.stage5_alerts.core import live_alerts
from workers.topics import load_topics

pytestmark = pytest.mark.integration

SEED_B = PROJECT_ROOT / "seeds" / "003_d462fe83122b988d.txt"


def frontwire(*args: str, cwd=None, env=None, timeout=240) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.pop("KAFKA_BOOTSTRAP_SERVERS", None)  # the README's commands use the embedded broker
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "workers", *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def test_help_lists_every_command():
    out = frontwire("--help").stdout
    for command in ("run", "replay", "worker", "broker", "topics", "explain", "alerts", "eval", "status", "dlq"):
        assert command in out


def test_run_seeds_json_from_another_directory_twice(tmp_path, data_dir):
    env = {"FRONTWIRE_DATA_DIR": str(data_dir)}
    outputs = []
    for _ in range(2):
        proc = frontwire("run", "--json", cwd=tmp_path, env=env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        outputs.append([json.loads(line) for line in proc.stdout.splitlines()])
    for alerts in outputs:
        assert sorted((a["settlement"]["name"], a["new_status"]) for a in alerts) == [
            ("Balakliia", "ukrainian_control"), ("Izium", "ukrainian_control"), ("Kupiansk", "contested")]
    assert sorted(a["alert_id"] for a in outputs[0]) == sorted(a["alert_id"] for a in outputs[1])


def test_run_human_output_shows_each_alert_with_quote(data_dir):
    proc = frontwire("run", str(PROJECT_ROOT / "seeds"), env={"FRONTWIRE_DATA_DIR": str(data_dir)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "3 alert(s)" in proc.stdout
    for name in ("Izium", "Kupiansk", "Balakliia"):
        assert name in proc.stdout
    assert "unknown → contested" in proc.stdout and "“" in proc.stdout


def test_explain_seed_shows_counted_claims_and_the_lysychansk_sentence_set_aside(data_dir):
    proc = frontwire("explain", str(SEED_B), "--json", env={"FRONTWIRE_DATA_DIR": str(data_dir)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    for key in ("text", "language", "mentions", "claims"):
        assert key in doc
    counted = {(c["settlement"]["name"], c["implies"]) for c in doc["claims"] if c["counted"]}
    assert ("Kupiansk", "contested") in counted
    assert ("Balakliia", "ukrainian_control") in counted
    lysychansk = [c for c in doc["claims"] if c["settlement"]["name"] == "Lysychansk"]
    assert lysychansk and not any(c["counted"] for c in lysychansk)
    assert all(c["reason"] for c in lysychansk)
    assert any("just outside" in c["quote"] for c in lysychansk)


def test_topics_apply_is_idempotent(tmp_path):
    # one embedded broker for both calls: run the broker command in the background
    broker = subprocess.Popen([sys.executable, "-m", "workers", "broker", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = broker.stdout.readline().strip()
        assert line.startswith("KAFKA_BOOTSTRAP_SERVERS=")
        env = {"KAFKA_BOOTSTRAP_SERVERS": line.split("=", 1)[1]}
        first = subprocess.run([sys.executable, "-m", "workers", "topics", "apply"], env={**os.environ, **env},
                               capture_output=True, text=True, timeout=60)
        second = subprocess.run([sys.executable, "-m", "workers", "topics", "apply"], env={**os.environ, **env},
                                capture_output=True, text=True, timeout=60)
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        declared = len(load_topics(Settings.from_env({}).topics_file))
        assert declared >= 11  # the pipeline's topics and the state topics of ingestion
        assert first.stdout.count("created") == declared and "created" not in second.stdout
        assert second.stdout.count("ok") == declared and "DRIFT" not in second.stdout
    finally:
        broker.terminate()
        broker.wait(10)
        broker.stdout.close()


def _pump(stream, lines: "queue.Queue[str]") -> None:  # type: ignore[no-untyped-def]
    """Lines of a child's output into a queue, until it is closed."""
    try:
        for line in stream:
            lines.put(line)
    except (ValueError, OSError):  # closed under our feet when the test ends
        pass


def test_alerts_tail_prints_the_topic_messages(data_dir):
    """A subscriber following the alerts topic of a running cluster sees each alert, as JSON lines."""
    broker = subprocess.Popen([sys.executable, "-m", "workers", "broker", "--port", "0"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    tail = None
    try:
        line = broker.stdout.readline().strip()
        env = {"KAFKA_BOOTSTRAP_SERVERS": line.split("=", 1)[1], "FRONTWIRE_DATA_DIR": str(data_dir)}
        proc = subprocess.run([sys.executable, "-m", "workers", "run", "--json"], env={**os.environ, **env},
                              capture_output=True, text=True, timeout=240)
        assert proc.returncode == 0, proc.stderr[-2000:]
        produced = [json.loads(x) for x in proc.stdout.splitlines()]
        tail = subprocess.Popen([sys.executable, "-m", "workers", "alerts", "tail", "--json", "--from-beginning"],
                                env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        # the topic may also hold alerts sent late and withdrawals (the seeds are processed in either order):
        # what stands among the messages the subscriber sees is what `run --json` printed
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_pump, args=(tail.stdout, lines), daemon=True).start()
        seen: list[dict] = []
        deadline = time.monotonic() + 60
        while sorted(a["alert_id"] for a in live_alerts(seen)) != sorted(a["alert_id"] for a in produced):
            assert time.monotonic() < deadline, f"the tail printed {seen}, not the alerts of the run: {produced}"
            try:
                seen.append(json.loads(lines.get(timeout=1.0)))
            except queue.Empty:
                pass
    finally:
        if tail is not None:
            tail.terminate()
            tail.wait(10)
            tail.stdout.close()
        broker.terminate()
        broker.wait(10)
        broker.stdout.close()
