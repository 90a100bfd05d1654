"""deploy/ with a container engine: the image, a compose run of the seeds, testcontainers' Kafka.

Every test here needs a Docker engine and skips, saying why, where `docker info` fails (a machine
with only the docker client, as in CI here). The checks that need no engine are in
tests/unit/test_deploy_*.py.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from workers.topics import load_topics

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "compose.yaml"
KAFKA_IMAGE = "apache/kafka:3.9.1"


def run(args: list[str], timeout: float, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess:
    """A command with its output captured; a failure shows its stderr."""
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def engine_problem() -> str | None:
    """Why no container can run here, or None when a Docker engine answers."""
    if shutil.which("docker") is None:
        return "no `docker` client on PATH"
    try:
        proc = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True,
                              text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return "`docker info` did not answer within 30 s"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"no Docker engine answers (`docker info` failed: {last})"
    return None


def compose_command() -> list[str] | None:
    """`docker compose` (v2 plugin) or `docker-compose`, whichever works."""
    if subprocess.run(["docker", "compose", "version"], capture_output=True, check=False).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


@pytest.fixture(scope="session")
def engine() -> None:
    problem = engine_problem()
    if problem:
        pytest.skip(f"needs a Docker engine: {problem}")


@pytest.fixture(scope="session")
def image(engine: None) -> Iterator[str]:
    """The frontwire image, built once from deploy/Dockerfile."""
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    tag = f"frontwire:test-{uuid.uuid4().hex[:8]}"
    run(["docker", "build", "-f", str(ROOT / "deploy" / "Dockerfile"), "-t", tag,
         "--build-arg", f"VERSION={version}", str(ROOT)], timeout=1500)
    try:
        yield tag
    finally:
        run(["docker", "rmi", "-f", tag], timeout=120, check=False)


@pytest.mark.timeout(1800)
def test_image_runs_the_cli_as_a_non_root_user_on_a_read_only_filesystem(image):
    assert "worker" in run(["docker", "run", "--rm", image, "--help"], timeout=120).stdout
    uid = run(["docker", "run", "--rm", "--entrypoint", "id", image, "-u"], timeout=120).stdout.strip()
    assert uid.isdigit() and int(uid) != 0
    listed = run(["docker", "run", "--rm", image, "topics", "list"], timeout=120).stdout
    for spec in load_topics(ROOT / "topics.yaml").values():
        assert spec.name in listed
    seed = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))[0]
    out = run(["docker", "run", "--rm", "--read-only", "--tmpfs", "/tmp", "--tmpfs", "/var/lib/frontwire",
               image, "explain", "--json", f"/app/seeds/{seed}"], timeout=600).stdout
    assert isinstance(json.loads(out), dict)


def _container_ids(compose: list[str], service: str) -> list[str]:
    return run([*compose, "ps", "-a", "-q", service], timeout=60).stdout.split()


def _state(container: str, template: str) -> str:
    return run(["docker", "inspect", "--format", template, container], timeout=60).stdout.strip()


@pytest.mark.timeout(2400)
def test_compose_runs_the_seeds_to_alerts_with_scaled_extraction(image):
    base = compose_command()
    if base is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    project = f"fwtest{uuid.uuid4().hex[:8]}"
    compose = [*base, "-f", str(COMPOSE_FILE), "-p", project]
    env = {**os.environ, "FRONTWIRE_IMAGE": image}
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "FRONTWIRE_TOPIC_PREFIX", "FRONTWIRE_TOPICS_FILE"):
        env.pop(name, None)
    try:
        run([*compose, "up", "-d", "--no-build", "--scale", "extract=2"], timeout=900, env=env)
        deadline = time.monotonic() + 600
        replay_done = stages_healthy = False
        while time.monotonic() < deadline and not (replay_done and stages_healthy):
            replay = _container_ids(compose, "replay")
            replay_done = bool(replay) and _state(replay[0], "{{.State.Status}} {{.State.ExitCode}}") == "exited 0"
            statuses = [_state(c, "{{.State.Health.Status}}")
                        for stage in ("extract", "dedup", "normalize", "claims", "alerts")
                        for c in _container_ids(compose, stage)]
            stages_healthy = len(statuses) == 6 and set(statuses) == {"healthy"}
            time.sleep(5)
        assert replay_done, "the replay service did not finish"
        assert stages_healthy, "the stage services did not all become healthy (two extract)"
        topics = load_topics(ROOT / "topics.yaml")
        consumed = run([*compose, "exec", "-T", "kafka", "/opt/kafka/bin/kafka-console-consumer.sh",
                        "--bootstrap-server", "localhost:9092", "--topic", topics["alerts"].name,
                        "--from-beginning", "--max-messages", "1", "--timeout-ms", "600000"],
                       timeout=700, env=env, check=False).stdout
        alerts = [json.loads(line) for line in consumed.splitlines() if line.startswith("{")]
        assert alerts, "no alert reached the alerts topic"
    finally:
        logs = run([*compose, "logs", "--no-color", "--tail", "50"], timeout=120, env=env, check=False)
        run([*compose, "down", "-v", "--remove-orphans"], timeout=300, env=env, check=False)
        print(logs.stdout[-20000:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.timeout(1200)
def test_topics_apply_and_the_pipeline_on_apache_kafka_in_testcontainers(engine, tmp_path):
    container_mod = pytest.importorskip("testcontainers.core.container",
                                        reason="testcontainers is not installed (pip install testcontainers)")
    port = _free_port()
    kafka = (container_mod.DockerContainer(KAFKA_IMAGE)
             .with_bind_ports(9092, port)
             .with_env("KAFKA_NODE_ID", "1")
             .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
             .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
             .with_env("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093")
             .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{port}")
             .with_env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
             .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
             .with_env("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT")
             .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
             .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
             .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
             .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
             .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
             .with_env("KAFKA_MESSAGE_MAX_BYTES", "8388608"))
    prefix = f"t{uuid.uuid4().hex[:8]}."
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}", "FRONTWIRE_TOPIC_PREFIX": prefix,
           "FRONTWIRE_DATA_DIR": str(tmp_path / "data")}
    frontwire = [sys.executable, "-m", "workers"]
    with kafka:
        deadline = time.monotonic() + 180
        while True:  # the broker takes a few seconds to accept admin requests
            first = run([*frontwire, "topics", "apply"], timeout=120, env=env, check=False)
            if first.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(3)
        assert first.returncode == 0, first.stderr
        names = [s.name for s in load_topics(ROOT / "topics.yaml", prefix).values()]
        assert sorted(line.split()[-1] for line in first.stdout.splitlines() if line.startswith("created")) \
            == sorted(names)
        again = run([*frontwire, "topics", "apply"], timeout=120, env=env)
        assert "DRIFT" not in again.stdout, again.stdout
        assert sorted(line.split()[-1] for line in again.stdout.splitlines() if line.startswith("ok")) \
            == sorted(names)
        out = run([*frontwire, "run", "--json", str(ROOT / "seeds")], timeout=900, env=env).stdout
        alerts = [json.loads(line) for line in out.splitlines() if line.strip()]
        assert alerts, "the pipeline produced no alert on Apache Kafka"
