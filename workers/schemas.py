"""JSON Schemas of every message (`schemas/*.schema.json`) and validators built from them."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator


class SchemaViolation(ValueError):
    """A message does not match its schema; `str()` says where and why."""


@lru_cache(maxsize=64)
def _validator(schemas_dir: Path, name: str) -> Draft202012Validator:
    path = Path(schemas_dir) / f"{name}.schema.json"
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_names(schemas_dir: Path) -> list[str]:
    """Names of every schema in the folder (file name without `.schema.json`)."""
    return sorted(p.name[: -len(".schema.json")] for p in Path(schemas_dir).glob("*.schema.json"))


def validate(schemas_dir: Path, name: str, message: Any) -> None:
    """Raise SchemaViolation when `message` does not match schema `name`."""
    validator = _validator(Path(schemas_dir), name)
    error = next(iter(validator.iter_errors(message)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise SchemaViolation(f"{name}: at {where}: {error.message[:300]}")
