"""Fixtures for every test: the gazetteer, loaded once per run from the settings' data directory."""

from __future__ import annotations

import pytest

from workers.settings import Settings
from workers.stage3_normalize.cache import load_gazetteer
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.profiles import Profile, profiles_of


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The gazetteer the stages would load (built and cached in FRONTWIRE_DATA_DIR on first use)."""
    return load_gazetteer(Settings.from_env().data_dir / "gazetteer")


@pytest.fixture(scope="session")
def profiles(gazetteer: Gazetteer) -> dict[int, Profile]:
    """The settlement profiles of that gazetteer."""
    return profiles_of(gazetteer)
