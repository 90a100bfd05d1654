"""deploy/compose.yaml: Compose Specification, services, settings passed, scalable stages."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from workers.stages import STAGE_NAMES
from workers.settings import SETTINGS_DOC

ROOT = Path(__file__).resolve().parents[2]


from tests.unit.deploy_support import dv  # noqa: E402
# Variables the deploy files already set that workers/settings.py does not read yet (asked of the
# lead); an entry here is dropped from the check as soon as SETTINGS_DOC documents it.


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dv.load_compose()


@pytest.fixture(scope="module")
def frontwire_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if dv.is_frontwire_service(s)}


def test_vendored_compose_schema_is_the_recorded_one():
    assert dv.compose_schema_sha256() == dv.COMPOSE_SCHEMA_SHA256
    assert dv.compose_schema()["title"] == "Compose Specification"


def test_compose_file_follows_the_compose_specification(compose):
    assert dv.compose_errors(compose) == []


def test_managed_kafka_override_follows_the_compose_specification():
    override = dv.load_compose(dv.DEPLOY_DIR / "compose.managed-kafka.yaml")
    assert dv.compose_errors(override) == []
    assert set(override["services"]) <= set(dv.load_compose()["services"])


@pytest.mark.parametrize("breakage", ["unknown_key", "bad_depends_on", "list_as_string"])
def test_schema_check_catches_a_broken_file(compose, breakage):
    broken = copy.deepcopy(compose)
    extract = broken["services"]["extract"]
    if breakage == "unknown_key":
        extract["imagee"] = "frontwire"
    elif breakage == "bad_depends_on":
        extract["depends_on"] = {"topics": {"condition": "when_it_feels_like_it"}}
    else:
        extract["cap_drop"] = "ALL"
    assert dv.compose_errors(broken)


def test_every_role_has_its_service(compose, frontwire_services):
    services = compose["services"]
    assert "kafka" in services and "kafka" not in frontwire_services
    for stage in STAGE_NAMES:
        assert services[stage]["command"] == ["worker", stage], stage
    assert services["topics"]["command"] == ["topics", "apply"]
    assert services["alerts-tail"]["command"][:2] == ["alerts", "tail"]
    assert services["replay"]["command"][0] == "replay"
    assert services["ingest"]["command"] == ["worker", "ingest"]
    assert services["board"]["command"] == ["board"]
    assert set(frontwire_services) == {*STAGE_NAMES, "topics", "alerts-tail", "replay", "ingest", "board"}


def test_kafka_is_one_kraft_node_of_the_official_image_with_a_health_check(compose):
    kafka = compose["services"]["kafka"]
    assert re.fullmatch(r"\$\{KAFKA_IMAGE:-apache/kafka:[0-9.]+\}", kafka["image"])
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"].count("@") == 1
    assert "kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_start_order_broker_then_topics_then_the_rest(compose, frontwire_services):
    assert compose["services"]["topics"]["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    for name, service in frontwire_services.items():
        if name != "topics":
            assert service["depends_on"] == {"topics": {"condition": "service_completed_successfully"}}, name


def test_stage_services_scale_and_report_health(compose):
    for stage in STAGE_NAMES:
        service = compose["services"][stage]
        assert "container_name" not in service and "ports" not in service, f"{stage} cannot be scaled"
        assert service["healthcheck"]["test"] == ["CMD", "frontwire-healthcheck"]
        assert service["restart"] == "unless-stopped"


def test_one_shots_do_not_restart(compose):
    for name in ("topics", "replay"):
        assert compose["services"][name]["restart"] == "no"


def test_every_setting_reaches_every_frontwire_service(frontwire_services):
    documented = {s.env for s in SETTINGS_DOC}
    for name, service in frontwire_services.items():
        env = service["environment"]
        assert isinstance(env, dict), name
        missing = documented - set(env)
        assert not missing, f"{name} does not pass {sorted(missing)}"
        unknown = {k for k in env if k.startswith(("FRONTWIRE_", "KAFKA_"))} - documented
        assert not unknown, f"{name} sets variables workers/settings.py does not read: {sorted(unknown)}"


# The one file a service may mount: ingest's feed list (it has to come from the operator, not the image).
MOUNTS = {"ingest": ["FRONTWIRE_SOURCES_FILE"]}


def test_configuration_is_environment_only(frontwire_services):
    for name, service in frontwire_services.items():
        assert "env_file" not in service and "configs" not in service, name
        mounted = [v["target"] for v in service.get("volumes", [])]
        assert mounted == [service["environment"][key] for key in MOUNTS.get(name, [])], name
        assert service["read_only"] is True, name
        env = service["environment"]
        assert env["FRONTWIRE_DATA_DIR"] in service["tmpfs"], name
        # Paths are the image's, never interpolated from the host.
        for key in ("FRONTWIRE_TOPICS_FILE", "FRONTWIRE_SCHEMAS_DIR", "FRONTWIRE_DATA_DIR", "FRONTWIRE_SOURCES_FILE"):
            assert env[key].startswith("/") and "$" not in env[key], (name, key)


def test_ingest_reads_a_read_only_sources_file_from_the_host_and_is_opt_in(compose):
    ingest = compose["services"]["ingest"]
    (volume,) = ingest["volumes"]
    assert volume["type"] == "bind" and volume["read_only"] is True
    assert volume["target"] == ingest["environment"]["FRONTWIRE_SOURCES_FILE"]
    default = re.fullmatch(r"\$\{FRONTWIRE_SOURCES_FILE_HOST:-([^}]+)\}", volume["source"])
    assert default, "the host file is chosen by FRONTWIRE_SOURCES_FILE_HOST"
    assert (dv.DEPLOY_DIR / default.group(1)).resolve() == ROOT / "sources.yaml"
    # The repository's file lists no source, and the worker exits on it: a plain `up` must not start it.
    assert yaml.safe_load((ROOT / "sources.yaml").read_text())["sources"] == []
    assert ingest["profiles"] == ["ingest"]
    assert ingest["healthcheck"]["test"] == ["CMD", "frontwire-healthcheck"]  # /healthz on FRONTWIRE_WEB_PORT
    assert ingest["restart"] == "unless-stopped"
    assert "ports" not in ingest and "container_name" not in ingest


def test_the_board_publishes_its_port_and_checks_its_own_health(compose):
    board = compose["services"]["board"]
    env = board["environment"]
    port = env["FRONTWIRE_BOARD_PORT"]
    assert port == "8080", "pinned: the published port and the health check name the container's port"
    assert env["FRONTWIRE_BOARD_HOST"] == "${FRONTWIRE_BOARD_HOST:-0.0.0.0}", "reachable from the host"
    (published,) = board["ports"]
    assert re.fullmatch(rf"127\.0\.0\.1:\$\{{FRONTWIRE_BOARD_PUBLISH_PORT:-\d+\}}:{port}", published), published
    # The board serves its own /healthz on its own port (not FRONTWIRE_WEB_PORT's, which it does not open).
    assert board["healthcheck"]["test"] == ["CMD", "frontwire-healthcheck", f"http://127.0.0.1:{port}/healthz"]
    assert board["restart"] == "unless-stopped"
    assert "profiles" not in board, "it needs no feeds: a plain `up` shows the seeds on the board"
    assert "deploy" not in board and "scale" not in board, "one board: a second would deliver every webhook again"


def test_web_port_matches_the_image(frontwire_services):
    image_port = dv.dockerfile_env()["FRONTWIRE_WEB_PORT"]
    for name, service in frontwire_services.items():
        assert service["environment"]["FRONTWIRE_WEB_PORT"] == f"${{FRONTWIRE_WEB_PORT:-{image_port}}}", name


def test_build_and_image_carry_the_project_version(frontwire_services):
    version = dv.project_version()
    for name, service in frontwire_services.items():
        assert service["build"]["args"]["VERSION"] == version, name
        assert service["image"] == f"${{FRONTWIRE_IMAGE:-frontwire:{version}}}", name
        assert (ROOT / "deploy" / service["build"]["context"]).resolve() == ROOT, name


@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="Debian's docker-compose is not installed (apt-get install docker-compose); "
                           "the JSON-schema tests above still ran")
def test_docker_compose_parses_the_file_without_an_engine(monkeypatch):
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    proc = dv.docker_compose_config()
    assert proc.returncode == 0, proc.stderr
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "b-1.example.com:9096")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "u")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "p")
    proc = dv.docker_compose_config([dv.COMPOSE_FILE, dv.DEPLOY_DIR / "compose.managed-kafka.yaml"])
    assert proc.returncode == 0, proc.stderr
