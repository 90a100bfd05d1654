"""deploy/README.md: one table with every environment variable, and the three ways to run."""

from __future__ import annotations

import re
from pathlib import Path

from workers.settings import SETTINGS_DOC

ROOT = Path(__file__).resolve().parents[2]


from tests.unit.deploy_support import dv  # noqa: E402


def readme() -> str:
    return dv.README.read_text(encoding="utf-8")


def table_rows() -> dict[str, list[str]]:
    text = readme()
    block = text[text.index(dv.TABLE_BEGIN) + len(dv.TABLE_BEGIN): text.index(dv.TABLE_END)]
    rows = {}
    for line in block.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`")] = cells
    return rows


def test_table_is_the_one_generated_from_the_settings_module():
    assert readme() == dv.readme_with_table(readme()), "run `python deploy/validate.py sync`"


def test_every_setting_has_a_row_with_its_default_and_meaning():
    rows = table_rows()
    assert list(rows) == [s.env for s in SETTINGS_DOC]
    for s in SETTINGS_DOC:
        _, default, meaning = rows[s.env]
        assert default == (f"`{s.default}`" if s.default else "(empty)"), s.env
        assert meaning, s.env


def test_readme_shows_each_way_to_run():
    text = readme()
    for needle in ("docker build -f deploy/Dockerfile", "--scale extract=4", "logs -f alerts-tail",
                   "kubectl apply -k deploy/k8s/overlays/dev-kafka",
                   "kubectl apply -k deploy/k8s/overlays/managed-kafka",
                   "compose.managed-kafka.yaml", "SASL_SSL", "sasl.env", "python deploy/validate.py check"):
        assert needle in text, needle


def test_readme_names_only_files_that_exist():
    for path in re.findall(r"`((?:k8s|vendor)/[\w./-]+|[\w.-]+\.(?:yaml|py|env))`", readme()):
        candidates = [dv.DEPLOY_DIR / path, ROOT / path, dv.K8S_BASE / path]
        if path.endswith(".env") and not path.startswith(("k8s/", "vendor/")):
            candidates.append(dv.OVERLAYS / "managed-kafka" / (path + ".example"))
        assert any(c.exists() for c in candidates), path
