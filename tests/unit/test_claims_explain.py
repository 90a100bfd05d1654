"""`explain` shows, per claim, the clause it came from, how its place was linked and what set it aside."""

from __future__ import annotations

from workers.chain import explain_file, explain_json
from workers.render import explain_text
from workers.settings import PROJECT_ROOT, Settings
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.profiles import Profile
from workers.stage4_claims.places import fits

SCENARIOS = PROJECT_ROOT / "eval" / "scenarios"


def _doc(relative: str, gazetteer: Gazetteer) -> dict:
    return explain_json(explain_file(SCENARIOS / relative, Settings.from_env(), gazetteer))


def test_list_items_and_descriptions_are_explained(gazetteer: Gazetteer) -> None:
    doc = _doc("zaporizhzhia-coast-2022-02/05-tokmak-polohy.txt", gazetteer)
    by_place = {c["settlement"]["name"]: c for c in doc["claims"]}
    vasylivka = by_place["Vasylivka"]
    assert vasylivka["link"]["how"] == "list" and "Tokmak" in vasylivka["link"]["note"]
    assert vasylivka["clause"].startswith("Russian forces have captured two towns") and vasylivka["marker"] is None
    polohy = by_place["Polohy"]
    assert polohy["link"] == {"how": "description", "text": "the town", "note": polohy["link"]["note"]}
    assert "Polohy" in polohy["link"]["note"] and "town fits" in polohy["link"]["note"]
    enerhodar = by_place["Enerhodar"]
    assert not enerhodar["counted"] and enerhodar["marker"] == "hedged: 'likely'"
    text = explain_text(doc)
    assert "place: description “the town”" in text and "set aside by: hedged: 'likely'" in text
    assert "clause: “Russian forces have captured two towns" in text


def test_the_kind_of_place_decides_what_a_description_can_name(profiles: dict[int, Profile]) -> None:
    kherson, krynky, kyiv = profiles[706448], profiles[703861], profiles[703448]
    assert fits("regional_capital", kherson) and not fits("regional_capital", krynky)
    assert not fits("regional_capital", kyiv)  # the capital is no oblast's centre
    assert fits("village", krynky) and not fits("village", kherson) and not fits("city", krynky)
    assert fits("town", None)  # a place without a profile (a test's made-up one) fits any kind


def test_the_lexicon_follows_the_language_and_the_letters() -> None:
    from workers.stage4_claims.patterns import lexicon_language

    assert lexicon_language("en", "Russian troops entered Kupiansk.") == "en"
    assert lexicon_language("ru", "Українські війська звільнили Куп'янськ і Ізюм.") == "uk"  # misdetected
    assert lexicon_language("uk", "Российские войска заняли Горняк и Украинск, вытеснив оттуда ВСУ.") == "ru"
    assert lexicon_language("de", "Die russischen Truppen haben Bachmut eingenommen.") == "en"  # Latin script
    assert lexicon_language(None, "Війська увійшли в місто.") == "uk"
    assert lexicon_language(None, "") == "any"


def test_unknown_list_names_carry_a_list_but_sentence_words_are_no_names() -> None:
    from tests.unit.test_claims import status_of

    assert status_of("Russian troops have taken Yasnobrodivka, Keramik and Zalizne, the ministry said.",
                     "Zalizne") == "russian_control"
    assert status_of("Earlier, Kupiansk and Izium were captured by Russian forces.", "Kupiansk") is None
