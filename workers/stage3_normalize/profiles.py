"""What kind of place each settlement is (feature code, population), for descriptions such as "the regional capital".

The claims stage needs only this much of the gazetteer, so it is kept in a small file beside the
gazetteer cache (same fingerprint) and read without loading the name index.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from workers.stage3_normalize import gazetteer as gz

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Profile:
    """A settlement's kind: its GeoNames-style feature code (PPLC, PPLA, PPL) and population."""

    population: int
    feature: str = "PPL"


def profiles_of(gazetteer: gz.Gazetteer) -> dict[int, Profile]:
    """The profile of every settlement of a gazetteer."""
    return {sid: Profile(st.population, st.feature) for sid, st in gazetteer.settlements.items()}


_memo: dict[str, dict[int, Profile]] = {}
_lock = threading.Lock()


def load_profiles(cache_dir: Path | None = None) -> dict[int, Profile]:
    """The profiles: memoised in-process, else read from `profiles-<fingerprint>.json`, else derived and written."""
    cache_dir = Path(cache_dir) if cache_dir is not None else gz.default_cache_dir()
    path = cache_dir / f"profiles-{gz._fingerprint()}.json"
    with _lock:
        found = _memo.get(str(path))
        if found is not None:
            return found
        found = _read(path)
        if found is None:
            found = profiles_of(_gazetteer(cache_dir))
            _write(path, found)
        _memo[str(path)] = found
        return found


def _gazetteer(cache_dir: Path) -> gz.Gazetteer:
    """The gazetteer from its disk cache, else built and cached for the normalize stage (never kept in memory here)."""
    pickle_path = cache_dir / f"gazetteer-{gz._fingerprint()}.pickle"
    gaz = gz._read_cache(pickle_path)
    if gaz is None:
        gaz = gz.build_gazetteer()
        gaz.fingerprint = gz._fingerprint()
        gz._write_cache(pickle_path, gaz)
    return gaz


def _read(path: Path) -> dict[int, Profile] | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {int(sid): Profile(int(pop), str(feature)) for sid, (pop, feature) in rows.items()}
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, AttributeError) as exc:
        log.warning("settlement profiles %s unreadable (%s): deriving them again", path, exc)
        return None


def _write(path: Path, profiles: dict[int, Profile]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({sid: [p.population, p.feature] for sid, p in profiles.items()}), encoding="utf-8")
        tmp.replace(path)
        for old in path.parent.glob("profiles-*.json"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("settlement profiles %s not written (%s)", path, exc)
