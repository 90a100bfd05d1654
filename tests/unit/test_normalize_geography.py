"""Russian spellings of Ukrainian names, and same-named places told apart by the article's geography (issue 13
held-out review): the oblast named, the places the text puts a name near, the kind it gives a name, a stray namesake
that vouches for nobody, and the front-oblast prior when nothing else tells."""

from __future__ import annotations

import pytest

from workers.stage3_normalize.core import explain_mentions, find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.variants import russian_spellings

SONTSIVKA, YAKOVLIVKA_DONETSK, DRONIVKA, KURAKHOVE = 704288, 688556, 709604, 695357
NOVOIEHORIVKA_KHARKIV, NOVOIEHORIVKA_MYKOLAIV, BOHUSLAVKA = 699013, 699014, 711866
DOBROPILLIA_IDS = {709900, 709901, 709903}
KUPIANSK, PETROPAVLIVKA_KHARKIV = 703656, 697421
YAMPIL_DONETSK, SIVERSK = 688505, 694403
BOROVA_KHARKIV, BOROVA_KYIV = 711623, 711621
DONETSK, MARINKA = 709717, 701845
ODESA, SERHIIVKA_ODESA = 698740, 694467


def ids(text: str, gaz: Gazetteer, language: str | None = None) -> set[int]:
    return {m.settlement.id for m in find_mentions(text, gaz, language=language)}


@pytest.mark.parametrize(
    "name, spelled",
    [
        ("Сонцівка", "Сонцовка"),
        ("Яковлівка", "Яковлевка"),
        ("Новоєгорівка", "Новоегоровка"),
        ("Андріївка", "Андреевка"),
        ("Курахове", "Курахово"),
        ("Вільне", "Вольное"),
        ("Ірпінь", "Ирпень"),
        ("Мар'їнка", "Марьинка"),
        ("Сіверськ", "Северск"),
        ("Кремінна", "Кременная"),
        ("Нова Каховка", "Новая Каховка"),
        ("Велика Новосілка", "Великая Новоселка"),
        ("Верхнє", "Верхнее"),
        ("Торецьк", "Торецк"),
    ],
)
def test_russian_spellings_follow_the_letter_correspondences(name: str, spelled: str) -> None:
    assert spelled in russian_spellings(name)


def test_short_names_and_names_spelled_alike_get_no_guess() -> None:
    assert russian_spellings("Сіль") == set()  # Соль is salt
    assert russian_spellings("Бахмут") == set()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Штурмовики закрепились на окраине Сонцовки, сообщил военкор.", SONTSIVKA),
        ("Российские войска вошли в Дроновку, утверждают в Минобороны.", DRONIVKA),
        ("Бои идут у Курахово и Сонцовки.", SONTSIVKA),
    ],
)
def test_russian_spelling_in_a_russian_text(gazetteer: Gazetteer, text: str, expected: int) -> None:
    assert expected in ids(text, gazetteer, "ru")


def test_named_oblast_and_neighbour_pick_the_homonym(gazetteer: Gazetteer) -> None:
    text = "В Харьковской области идут бои за Новоегоровку и Богуславку, сообщили военные."
    found = ids(text, gazetteer, "ru")
    assert {NOVOIEHORIVKA_KHARKIV, BOHUSLAVKA} <= found and NOVOIEHORIVKA_MYKOLAIV not in found


def test_a_named_oblast_keeps_a_place_that_is_far_from_the_others(gazetteer: Gazetteer) -> None:
    # two places of Kharkiv oblast 40 km apart, the oblast named: neither is a stray
    found = ids("Бои в Харьковской области: армия наступает у Богуславки и Новоегоровки.", gazetteer, "ru")
    assert BOHUSLAVKA in found


def test_a_homonym_outside_the_articles_geography_is_dropped(gazetteer: Gazetteer) -> None:
    text = ("Russian troops pressed on around Kupiansk in Kharkiv region, where they said they had taken "
            "Petropavlivka and a hamlet called Dobropillia east of the river.")
    found = ids(text, gazetteer, "en")
    assert {KUPIANSK, PETROPAVLIVKA_KHARKIV} <= found and not found & DOBROPILLIA_IDS


def test_a_place_named_relative_to_another_is_the_one_near_it(gazetteer: Gazetteer) -> None:
    assert YAMPIL_DONETSK in ids("Russian units say they took Yampil, a village north of Siversk.", gazetteer, "en")
    text = "A drone hit a farm in Serhiivka, a seaside village south-west of Odesa, overnight."
    assert SERHIIVKA_ODESA in ids(text, gazetteer, "en")


def test_a_place_placed_where_no_candidate_lies_is_a_namesake_below_the_threshold(gazetteer: Gazetteer) -> None:
    mentions, rejected = explain_mentions("Бои идут за Подгородное к югу от Купянска.", gazetteer, language="ru")
    assert KUPIANSK in {m.settlement.id for m in mentions}
    assert [r for r in rejected if r[0] == "Подгородное"]


def test_the_kind_the_text_gives_excludes_a_city_named_alike(gazetteer: Gazetteer) -> None:
    # Oleksandrivka is also a historic name of Donetsk: "a village" cannot be the city
    text = "Shelling hit Oleksandrivka, a small village west of Donetsk, and Marinka on Tuesday."
    mentions = find_mentions(text, gazetteer, language="en")
    olek = [m.settlement.id for m in mentions if m.surface == "Oleksandrivka"]
    assert olek and olek[0] != DONETSK


def test_without_geography_a_front_oblast_namesake_is_preferred(gazetteer: Gazetteer) -> None:
    found = ids("Підрозділи відійшли з Борової на нові позиції.", gazetteer, "uk")
    assert BOROVA_KHARKIV in found and BOROVA_KYIV not in found


def test_two_stray_namesakes_do_not_vouch_for_each_other(gazetteer: Gazetteer) -> None:
    # Борисовка and Красное of a far oblast near each other, the article about Kharkiv oblast: neither anchors the
    # other, so Красное does not go to a village by the sea
    text = ("Группировка «Север» в Харьковской области заняла Стрелечью, Красное и Борисовку, продвигаясь к "
            "Волчанску.")
    found = {m.settlement.id: m for m in find_mentions(text, gazetteer, language="ru")}
    assert all(gazetteer.settlements[sid].admin1 == "07" for sid in found)
