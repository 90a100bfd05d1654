"""Offline checks and sync for deploy/: compose against the Compose Specification, k8s manifests
with kubernetes-validate, copies of topics.yaml and sources.yaml, the settings table of deploy/README.md.

    python deploy/validate.py check    # every check that needs no container engine
    python deploy/validate.py sync     # rewrite the topics.yaml and sources.yaml copies and the README table

The tests (tests/unit/test_deploy_*.py) use these functions; nothing runs at import.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

DEPLOY_DIR = Path(__file__).resolve().parent
REPO_ROOT = DEPLOY_DIR.parent
COMPOSE_FILE = DEPLOY_DIR / "compose.yaml"
COMPOSE_SCHEMA = DEPLOY_DIR / "vendor" / "compose-spec.json"
COMPOSE_SCHEMA_SHA256 = "d549057ebc2925f39f62799eab0db7b9e2c18b35b6c00595199116da3ed10e64"
DOCKERFILE = DEPLOY_DIR / "Dockerfile"
README = DEPLOY_DIR / "README.md"
K8S_DIR = DEPLOY_DIR / "k8s"
K8S_BASE = K8S_DIR / "base"
OVERLAYS = K8S_DIR / "overlays"
TOPICS_FILE = REPO_ROOT / "topics.yaml"
BASE_TOPICS_COPY = K8S_BASE / "topics.yaml"
MANAGED_TOPICS_COPY = OVERLAYS / "managed-kafka" / "topics.yaml"
SOURCES_FILE = REPO_ROOT / "sources.yaml"
BASE_SOURCES_COPY = K8S_BASE / "sources.yaml"
MANAGED_REPLICATION_FACTOR = 3
# Oldest Kubernetes minor the manifests must validate against (the newest bundled one is checked too).
MIN_K8S_VERSION = "1.29"
TABLE_BEGIN = "<!-- settings-table:begin (python deploy/validate.py sync) -->"
TABLE_END = "<!-- settings-table:end -->"
# Files an overlay needs that are not committed (secrets), with the example to stand in for them.
UNCOMMITTED = {"sasl.env": "sasl.env.example"}


# ---------------------------------------------------------------- YAML and files


def load_yaml(path: Path) -> Any:
    """One YAML document."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def load_yaml_docs(path: Path) -> list[dict[str, Any]]:
    """Every non-empty document of a multi-document YAML file."""
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file (kustomize `envs:` format), comments and blank lines skipped."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{path}: not KEY=VALUE: {line!r}")
        out[key.strip()] = value
    return out


def project_version() -> str:
    """The version in pyproject.toml."""
    import tomllib

    with open(REPO_ROOT / "pyproject.toml", "rb") as f:
        return str(tomllib.load(f)["project"]["version"])


# ---------------------------------------------------------------- compose


def load_compose(path: Path = COMPOSE_FILE) -> dict[str, Any]:
    """The compose file as plain data (YAML anchors and merge keys resolved)."""
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not a mapping")
    return doc


@lru_cache(maxsize=1)
def compose_schema() -> dict[str, Any]:
    """The vendored Compose Specification JSON Schema."""
    return json.loads(COMPOSE_SCHEMA.read_text(encoding="utf-8"))


def compose_schema_sha256() -> str:
    """Checksum of the vendored schema file."""
    return hashlib.sha256(COMPOSE_SCHEMA.read_bytes()).hexdigest()


def compose_errors(doc: dict[str, Any]) -> list[str]:
    """Where `doc` breaks the Compose Specification, one line per error (empty when valid)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(compose_schema())
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}"
            for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))]


def is_frontwire_service(service: dict[str, Any]) -> bool:
    """Whether a compose service runs the frontwire image (built from deploy/Dockerfile)."""
    build = service.get("build")
    return isinstance(build, dict) and str(build.get("dockerfile", "")).endswith("deploy/Dockerfile")


def docker_compose_config(paths: Sequence[Path] = (COMPOSE_FILE,),
                          binary: str = "docker-compose") -> subprocess.CompletedProcess:
    """`docker-compose -f PATH... config -q` (parses, interpolates and validates without an engine)."""
    files = [arg for path in paths for arg in ("-f", str(path))]
    return subprocess.run([binary, *files, "config", "-q"], capture_output=True, text=True,
                          timeout=120, check=False)


# ---------------------------------------------------------------- Dockerfile


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        instruction, _, args = full.partition(" ")
        out.append((instruction.upper(), args.strip()))
    return out


def dockerfile_final_stage(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """The instructions of the last stage (the image that ships)."""
    instructions = dockerfile_instructions(path)
    last_from = max(i for i, (ins, _) in enumerate(instructions) if ins == "FROM")
    return instructions[last_from:]


def dockerfile_env(path: Path = DOCKERFILE) -> dict[str, str]:
    """ENV of the final stage."""
    import shlex

    env: dict[str, str] = {}
    for instruction, args in dockerfile_final_stage(path):
        if instruction == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                env[key] = value
    return env


# ---------------------------------------------------------------- kustomize


def kustomization(directory: Path) -> dict[str, Any]:
    """The kustomization.yaml of a folder."""
    return load_yaml(directory / "kustomization.yaml")


def kubectl() -> str | None:
    """Path of kubectl (its built-in kustomize renders overlays), or None."""
    return shutil.which("kubectl")


def prepared_copy(directory: Path, into: Path) -> Path:
    """A copy of deploy/k8s in `into` with example files standing in for uncommitted secrets; the
    same folder as `directory` inside it."""
    target = into / "k8s"
    shutil.copytree(K8S_DIR, target, ignore=shutil.ignore_patterns(*UNCOMMITTED))
    for folder in [target, *[p for p in target.rglob("*") if p.is_dir()]]:
        for needed, example in UNCOMMITTED.items():
            if (folder / example).is_file():
                shutil.copyfile(folder / example, folder / needed)
    return target / directory.resolve().relative_to(K8S_DIR)


def render_kubectl(directory: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize DIR`, on a prepared copy (example secrets), as documents."""
    return copy.deepcopy(_render_kubectl(directory.resolve()))


@lru_cache(maxsize=16)
def _render_kubectl(directory: Path) -> list[dict[str, Any]]:
    binary = kubectl()
    if binary is None:
        raise RuntimeError("kubectl is not installed")
    with tempfile.TemporaryDirectory(prefix="frontwire-k8s-") as tmp:
        proc = subprocess.run([binary, "kustomize", str(prepared_copy(directory, Path(tmp)))],
                              capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {directory} failed: {proc.stderr.strip()}")
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


_SUPPORTED_KEYS = {"apiVersion", "kind", "labels", "resources", "configMapGenerator", "secretGenerator", "images",
                   "nameSuffix", "patches"}


def _generated(gen: dict[str, Any], directory: Path, kind: str) -> dict[str, Any]:
    data: dict[str, str] = {}
    for env_file in gen.get("envs", []):
        data.update(read_env_file(directory / env_file))
    for file_name in gen.get("files", []):
        key, sep, source = str(file_name).partition("=")
        if not sep:
            key, source = Path(key).name, key
        data[key] = (directory / source).read_text(encoding="utf-8")
    for literal in gen.get("literals", []):
        key, _, value = str(literal).partition("=")
        data[key] = value
    if kind == "Secret":
        encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
        return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque", "metadata": {"name": gen["name"]},
                "data": encoded}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data}


def _set_labels(doc: dict[str, Any], pairs: dict[str, str], selectors: bool, templates: bool) -> None:
    doc.setdefault("metadata", {}).setdefault("labels", {}).update(pairs)
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        return
    if selectors and doc.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(pairs)
    if selectors and doc.get("kind") == "Service":
        spec.setdefault("selector", {}).update(pairs)
    if (selectors or templates) and isinstance(spec.get("template"), dict):
        spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(pairs)


def _set_images(doc: dict[str, Any], images: list[dict[str, Any]]) -> None:
    pod = (doc.get("spec") or {}).get("template", {}).get("spec") if isinstance(doc.get("spec"), dict) else None
    if not isinstance(pod, dict):
        return
    for container in pod.get("containers", []) + pod.get("initContainers", []):
        name = str(container.get("image", "")).split(":")[0]
        for image in images:
            if image.get("name") == name:
                container["image"] = f"{image.get('newName', name)}:{image['newTag']}" if "newTag" in image \
                    else image.get("newName", name)


def _json_patch(doc: dict[str, Any], operations: list[dict[str, Any]]) -> None:
    """Apply JSON Patch (RFC 6902) add, replace and remove operations to `doc` in place."""
    for operation in operations:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].lstrip("/").split("/")]
        parent: Any = doc
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last: Any = int(parts[-1]) if isinstance(parent, list) and parts[-1] != "-" else parts[-1]
        kind = operation["op"]
        if kind == "remove":
            del parent[last]
        elif kind == "add" and isinstance(parent, list):
            parent.insert(len(parent) if last == "-" else last, copy.deepcopy(operation["value"]))
        elif kind in ("add", "replace"):
            if kind == "replace" and (last not in parent if isinstance(parent, dict) else last >= len(parent)):
                raise KeyError(f"replace of a missing {operation['path']}")
            parent[last] = copy.deepcopy(operation["value"])
        else:
            raise NotImplementedError(f"JSON Patch op {kind!r} needs kubectl kustomize")


def _patch(docs: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """One `patches:` entry: an inline JSON Patch applied to the documents its target selects."""
    operations = yaml.safe_load(entry["patch"])
    if not isinstance(operations, list) or "path" in entry:
        raise NotImplementedError("only inline JSON Patch entries render without kubectl kustomize")
    target = entry.get("target", {})
    for doc in docs:
        if all(doc.get(key) == target[key] for key in ("kind",) if key in target) and \
                ("name" not in target or doc["metadata"]["name"] == target["name"]):
            _json_patch(doc, operations)


def render_python(directory: Path = K8S_BASE) -> list[dict[str, Any]]:
    """A minimal kustomize for the base (resources, generators without hash suffix, inline JSON patches, a
    name suffix, labels, images).

    Used where kubectl is missing; an unsupported kustomization key is an error, not a guess.
    """
    kz = kustomization(directory)
    unsupported = set(kz) - _SUPPORTED_KEYS
    if unsupported:
        raise NotImplementedError(f"{directory}: kustomization keys {sorted(unsupported)} need kubectl kustomize")
    docs: list[dict[str, Any]] = []
    for resource in kz.get("resources", []):
        path = directory / resource
        docs.extend(render_python(path) if path.is_dir() else load_yaml_docs(path))
    docs.extend(_generated(g, directory, "ConfigMap") for g in kz.get("configMapGenerator", []))
    docs.extend(_generated(g, directory, "Secret") for g in kz.get("secretGenerator", []))
    docs = copy.deepcopy(docs)
    for entry in kz.get("patches", []):
        _patch(docs, entry)
    if kz.get("nameSuffix"):
        if kz.get("configMapGenerator") or kz.get("secretGenerator"):
            raise NotImplementedError(f"{directory}: a name suffix over generated names needs kubectl kustomize")
        for doc in docs:
            doc["metadata"]["name"] += kz["nameSuffix"]
    for entry in kz.get("labels", []):
        for doc in docs:
            _set_labels(doc, entry.get("pairs", {}), bool(entry.get("includeSelectors")),
                        bool(entry.get("includeTemplates")))
    for doc in docs:
        _set_images(doc, kz.get("images", []))
    return docs


def render(directory: Path = K8S_BASE) -> list[dict[str, Any]]:
    """The rendered manifests of a kustomization: kubectl when installed, else the minimal renderer."""
    return render_kubectl(directory) if kubectl() else render_python(directory)


def kustomize_dirs() -> list[Path]:
    """The base and every overlay."""
    return [K8S_BASE, *sorted(p.parent for p in OVERLAYS.glob("*/kustomization.yaml"))]


def k8s_versions() -> list[str]:
    """Kubernetes versions to validate against: MIN_K8S_VERSION (or the oldest bundled) and the newest bundled."""
    from kubernetes_validate import utils

    bundled = sorted(utils.all_versions(), key=lambda v: tuple(int(x) for x in utils.major_minor(v).split(".")))
    newest = utils.major_minor(bundled[-1])
    oldest = utils.major_minor(bundled[0])
    as_tuple = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
    low = MIN_K8S_VERSION if as_tuple(MIN_K8S_VERSION) >= as_tuple(oldest) else oldest
    return sorted({low, newest}, key=as_tuple)


def k8s_errors(docs: Iterable[dict[str, Any]], versions: Sequence[str] | None = None) -> list[str]:
    """kubernetes-validate (strict: unknown fields are errors) on every document, for every version."""
    from kubernetes_validate import utils

    # It parses the 1.8 MB definitions file on every call: parse each schema file once.
    if not hasattr(utils.schema_contents, "cache_info"):
        utils.schema_contents = lru_cache(maxsize=256)(utils.schema_contents)
    errors: list[str] = []
    for version in versions or k8s_versions():
        for doc in docs:
            name = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
            try:
                utils.validate(doc, version, strict=True)
            except utils.ValidationError as exc:
                path = "/".join(str(p) for p in exc.absolute_path)
                errors.append(f"k8s {version} {name}: {path}: {exc.message}")
            except (utils.SchemaNotFoundError, utils.VersionNotSupportedError, utils.InvalidSchemaError) as exc:
                errors.append(f"k8s {version} {name}: {exc.message}")
    return errors


# ---------------------------------------------------------------- topics copies and README table


def managed_topics_text(source: str) -> str:
    """topics.yaml text with every replication factor set for a managed cluster (comments kept)."""
    return re.sub(r"(?m)^(\s*replication_factor:\s*)\d+", rf"\g<1>{MANAGED_REPLICATION_FACTOR}", source)


def settings_table() -> str:
    """The Markdown table of every setting, from workers.settings.SETTINGS_DOC."""
    from workers.settings import SETTINGS_DOC

    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for s in SETTINGS_DOC:
        default = f"`{s.default}`" if s.default else "(empty)"
        rows.append(f"| `{s.env}` | {default} | {s.help.replace('|', '/')} |")
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    """README text with the block between the table markers replaced by the current table."""
    begin, end = text.find(TABLE_BEGIN), text.find(TABLE_END)
    if begin < 0 or end < begin:
        raise ValueError(f"{README}: table markers missing")
    return text[: begin + len(TABLE_BEGIN)] + "\n" + settings_table() + "\n" + text[end:]


def sync() -> list[Path]:
    """Rewrite the generated files that differ; return the ones written."""
    source = TOPICS_FILE.read_text(encoding="utf-8")
    wanted = {BASE_TOPICS_COPY: source, MANAGED_TOPICS_COPY: managed_topics_text(source),
              BASE_SOURCES_COPY: SOURCES_FILE.read_text(encoding="utf-8"),
              README: readme_with_table(README.read_text(encoding="utf-8"))}
    written = []
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


# ---------------------------------------------------------------- command line


def check() -> list[str]:
    """Every offline check; the problems found (empty when all pass)."""
    problems: list[str] = []
    if compose_schema_sha256() != COMPOSE_SCHEMA_SHA256:
        problems.append(f"{COMPOSE_SCHEMA}: checksum differs from the vendored one")
    problems += [f"compose {e}" for e in compose_errors(load_compose())]
    if shutil.which("docker-compose"):
        proc = docker_compose_config()
        if proc.returncode != 0:
            problems.append(f"docker-compose config: {proc.stderr.strip()}")
    source = TOPICS_FILE.read_text(encoding="utf-8")
    if BASE_TOPICS_COPY.read_text(encoding="utf-8") != source:
        problems.append(f"{BASE_TOPICS_COPY} differs from topics.yaml: run `python deploy/validate.py sync`")
    if MANAGED_TOPICS_COPY.read_text(encoding="utf-8") != managed_topics_text(source):
        problems.append(f"{MANAGED_TOPICS_COPY} is out of date: run `python deploy/validate.py sync`")
    if BASE_SOURCES_COPY.read_text(encoding="utf-8") != SOURCES_FILE.read_text(encoding="utf-8"):
        problems.append(f"{BASE_SOURCES_COPY} differs from sources.yaml: run `python deploy/validate.py sync`")
    for directory in kustomize_dirs() if kubectl() else [K8S_BASE]:
        problems += k8s_errors(render(directory))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """`check` or `sync`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["sync"]:
        for path in sync():
            print(f"wrote {path.relative_to(REPO_ROOT)}")
        return 0
    if args == ["check"]:
        problems = check()
        for line in problems:
            print(line, file=sys.stderr)
        print("deploy: " + ("ok" if not problems else f"{len(problems)} problem(s)"))
        return 1 if problems else 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.path.insert(0, str(REPO_ROOT))
    sys.exit(main())
