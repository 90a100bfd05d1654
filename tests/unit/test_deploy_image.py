"""deploy/Dockerfile and deploy/healthcheck.py: a non-root image with the CLI as entrypoint,
what it copies exists and is not ignored, and the health check tells healthy from not."""

from __future__ import annotations

import fnmatch
import http.server
import importlib.util
import json
import re
import shlex
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from workers.settings import SETTINGS_DOC

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str, path: Path) -> Any:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


dv = _load("frontwire_deploy_validate", ROOT / "deploy" / "validate.py")
hc = _load("frontwire_deploy_healthcheck", ROOT / "deploy" / "healthcheck.py")


def final_stage(instruction: str) -> list[str]:
    return [args for ins, args in dv.dockerfile_final_stage() if ins == instruction]


def test_final_stage_runs_as_a_numeric_non_root_user():
    users = final_stage("USER")
    assert users, "no USER: the image would run as root"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0, "numeric, so Kubernetes runAsNonRoot can verify it"


def test_entrypoint_is_the_frontwire_cli():
    (entrypoint,) = final_stage("ENTRYPOINT")
    argv = json.loads(entrypoint)
    assert argv[-1] == "frontwire"
    assert final_stage("CMD") == ['["--help"]']


def test_version_build_arg_defaults_to_the_project_version():
    args = dict(a.partition("=")[::2] for a in final_stage("ARG"))
    assert args["VERSION"] == dv.project_version()
    labels = " ".join(final_stage("LABEL"))
    assert 'org.opencontainers.image.version="${VERSION}"' in labels


def test_base_image_python_meets_requires_python():
    import tomllib

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(x) for x in re.fullmatch(r">=\s*(\d+)\.(\d+)", requires).groups())
    (arg,) = [args for ins, args in dv.dockerfile_instructions() if ins == "ARG" and args.startswith("PYTHON_VERSION=")]
    assert tuple(int(x) for x in arg.split("=")[1].split(".")[:2]) >= minimum
    froms = [args for ins, args in dv.dockerfile_instructions() if ins == "FROM"]
    assert all(f.startswith("python:${PYTHON_VERSION}-slim") for f in froms)


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; `!` re-includes."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.rstrip("/")
        if fnmatch.fnmatch(path, body) or fnmatch.fnmatch(path, body.replace("**/", "")) \
                or (body.endswith("/**") and path.startswith(body[:-3] + "/")):
            ignored = not negate
    return ignored


def test_every_copied_source_exists_and_reaches_the_build_context():
    ignore = dv.DEPLOY_DIR / "Dockerfile.dockerignore"
    patterns = [line.strip() for line in ignore.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    sources = []
    for instruction, args in dv.dockerfile_instructions():
        if instruction == "COPY" and "--from=" not in args:
            sources += shlex.split(args)[:-1]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert not _ignored(source, patterns), f"COPY {source}: excluded by {ignore.name}"
        if (ROOT / source).is_dir():
            for child in (ROOT / source).rglob("*.py"):
                rel = child.relative_to(ROOT).as_posix()
                if "__pycache__" not in rel:
                    assert not _ignored(rel, patterns), f"{rel}: excluded by {ignore.name}"
    assert _ignored("tests/unit/test_settings.py", patterns) and _ignored(".git/HEAD", patterns)


def test_image_environment_names_only_known_settings():
    documented = {s.env for s in SETTINGS_DOC}
    env = dv.dockerfile_env()
    ours = {k for k in env if k.startswith(("FRONTWIRE_", "KAFKA_"))}
    assert ours - documented == set()
    assert int(env["FRONTWIRE_WEB_PORT"]) > 0
    assert final_stage("EXPOSE") == [env["FRONTWIRE_WEB_PORT"]]
    assert env["HOME"] == env["FRONTWIRE_DATA_DIR"], "the only writable place besides /tmp"


def test_health_check_is_installed_where_compose_calls_it():
    copies = [shlex.split(args) for ins, args in dv.dockerfile_final_stage() if ins == "COPY"]
    assert ["deploy/healthcheck.py", "/usr/local/bin/frontwire-healthcheck"] in copies


# ---------------------------------------------------------------- healthcheck.py


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(self.status if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[http.server.HTTPServer]:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), type("H", (_Handler,), {}))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_healthy_when_healthz_answers_200(server, capsys):
    port = server.server_address[1]
    assert hc.main([], env={"FRONTWIRE_WEB_PORT": str(port)}) == 0
    assert "healthy" in capsys.readouterr().out


def test_unhealthy_when_healthz_answers_an_error(server, capsys):
    server.RequestHandlerClass.status = 503
    port = server.server_address[1]
    assert hc.main([], env={"FRONTWIRE_WEB_PORT": str(port)}) == 1
    assert "HTTP 503" in capsys.readouterr().err


def test_unhealthy_when_nothing_listens(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert hc.main([], env={"FRONTWIRE_WEB_PORT": str(port)}) == 1
    assert "unhealthy" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "", "lots"])
def test_unhealthy_when_the_endpoint_is_disabled_or_unset(value, capsys):
    assert hc.healthz_url({"FRONTWIRE_WEB_PORT": value}) is None
    assert hc.main([], env={"FRONTWIRE_WEB_PORT": value}) == 1
    assert "FRONTWIRE_WEB_PORT" in capsys.readouterr().err


def test_an_explicit_url_wins(server):
    url = f"http://127.0.0.1:{server.server_address[1]}/healthz"
    assert hc.main([url], env={}) == 0
