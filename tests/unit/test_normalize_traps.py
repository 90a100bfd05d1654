"""Mention traps found on real reporting: organisation names, places abroad, city districts, oblast adjectives;
and the settlement profiles (feature code, population) the claims stage reads."""

from __future__ import annotations

import pytest

from workers.stage3_normalize.core import explain_mentions, find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.cache import load_profiles
from workers.stage3_normalize.profiles import Profile, profiles_of

SIL, CHASIV_YAR, KHARKIV, KUPIANSK_VUZLOVYI, POKROVSK, PRAVDA = 693243, 710915, 706483, 703652, 704422, 696371
KRYNKY, PRYVILLIA, BILOHORIVKA, KHERSON, KYIV, BILA_TSERKVA = 703861, 696218, 712588, 706448, 703448, 712165


def ids(text: str, gaz: Gazetteer) -> set[int]:
    return {m.settlement.id for m in find_mentions(text, gaz)}


@pytest.mark.parametrize("text, absent, present", [
    ("Лиман перебуває під контролем Сил оборони.", SIL, None),
    ("Подразделения Сил обороны освободили Шевченково под Купянском.", SIL, None),
    ("Сили оборони утримують Часів Яр.", SIL, CHASIV_YAR),
    ("The enemy has entered Kupiansk-Vuzlovyi, Kharkiv regional governor Oleh Syniehubov said.", KHARKIV,
     KUPIANSK_VUZLOVYI),
    ("Ворог атакував дронами Покровську та Мирівську громади на Нікопольщині.", POKROVSK, None),
    ("In the Kursk region, Russian units recaptured Pravda, Moscow said.", PRAVDA, None),
    ("Border guards in Krynki, a small town in north-eastern Poland, detained 14 people.", KRYNKY, None),
    ("Russian troops entered the Kanal district of Chasiv Yar, the brigade said.", None, CHASIV_YAR),
    ("Zelensky confirms liberation of Pryvillia", None, PRYVILLIA),
    ("Units restored control over Bilohorivka and Pryvillia.", None, PRYVILLIA),
])
def test_mention_traps(text: str, absent: int | None, present: int | None, gazetteer: Gazetteer) -> None:
    found = ids(text, gazetteer)
    assert absent is None or absent not in found, explain_mentions(text, gazetteer)
    assert present is None or present in found, explain_mentions(text, gazetteer)


def test_a_raion_adjective_votes_for_its_oblast(gazetteer: Gazetteer) -> None:
    crimea, donetsk = 6983708, 9114393  # two villages named Urozhaine; Volnovakha raion is in Donetsk oblast
    assert ids("Село Урожайне звільнене від окупантів.", gazetteer) == {crimea}
    assert ids("Село Урожайне Волноваського району звільнене від окупантів.", gazetteer) == {donetsk}


def test_a_fronted_object_is_a_place(gazetteer: Gazetteer) -> None:
    assert 694290 in ids("Щербинівку противник намагається обійти з півдня.", gazetteer)  # Shcherbynivka
    assert not ids("Бойові дії тривають.", gazetteer)


def test_a_place_abroad_is_only_the_sentence_set_there(gazetteer: Gazetteer) -> None:
    text = "In the Kursk region, fighting continues. Ukrainian troops liberated Krynky."
    assert KRYNKY in ids(text, gazetteer)


def test_profiles_mark_the_capital_and_oblast_centres(gazetteer: Gazetteer, tmp_path) -> None:
    profiles = profiles_of(gazetteer)
    assert profiles[KYIV].feature == "PPLC" and profiles[KHERSON].feature == "PPLA"
    assert profiles[KHARKIV] == Profile(gazetteer.settlements[KHARKIV].population, "PPLA")
    assert profiles[BILA_TSERKVA].feature == "PPL"  # largest of Kyiv oblast, whose centre is the capital
    assert profiles[KRYNKY].feature == "PPL" and profiles[KRYNKY].population < 5_000


def test_profiles_are_cached_beside_the_gazetteer(gazetteer: Gazetteer, tmp_path) -> None:
    from workers.stage3_normalize.cache import gazetteer_path, write_gazetteer

    write_gazetteer(gazetteer_path(tmp_path), gazetteer)
    first = load_profiles(tmp_path)
    assert [p.name for p in tmp_path.glob("profiles-*.json")] and first == profiles_of(gazetteer)
    gazetteer_path(tmp_path).unlink()  # read from the profiles file alone now
    assert load_profiles(tmp_path) == first and first[KHERSON].feature == "PPLA"
    assert not list(tmp_path.glob("gazetteer-*.pickle"))  # not rebuilt
