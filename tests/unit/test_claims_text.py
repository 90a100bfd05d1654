"""Sentence splitting and speaker attribution for the claims stage (en/uk/ru, wire copy and liveblog lines)."""

from __future__ import annotations

import pytest

from workers.stage4_claims.attribution import SpeakerContext, find_speaker_text, resolve_speaker
from workers.stage4_claims.masking import mask_sentence
from workers.stage4_claims.sentences import MAX_SENTENCE_CHARS, split_sentences
from tests.unit.test_claims import article, claims_for


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_headline_is_the_first_line_and_offsets_slice_the_text() -> None:
    text = "Troops enter Kupiansk\n\nUkrainian troops entered Kupiansk. Clashes continue.\n"
    sentences = split_sentences(text)
    assert [s.headline for s in sentences] == [True, False, False]
    for s in sentences:
        assert text[s.start: s.end] == s.text


def test_abbreviations_initials_and_numbers_do_not_split() -> None:
    text = "Gen. Oleksandr S. Syrskyi met U.S. officials. The front moved 3.5 km in No. 5 sector. Then it stopped."
    assert texts(text) == [
        "Gen. Oleksandr S. Syrskyi met U.S. officials.",
        "The front moved 3.5 km in No. 5 sector.",
        "Then it stopped.",
    ]


def test_liveblog_lines_are_their_own_sentences() -> None:
    text = "18:20 | Hirske and Zolote\nSeparatists say they captured Hirske.\n- Kyiv says nothing.\n16:45\nShelling."
    assert texts(text) == [
        "18:20 | Hirske and Zolote", "Separatists say they captured Hirske.", "- Kyiv says nothing.", "16:45",
        "Shelling.",
    ]


def test_cyrillic_sentences_and_quotes() -> None:
    text = "«Ми вийшли з міста», — сказав він. Бої тривають на вул. Шевченка. Россия заявила о взятии. Всё."
    assert texts(text) == [
        "«Ми вийшли з міста», — сказав він.", "Бої тривають на вул. Шевченка.", "Россия заявила о взятии.", "Всё.",
    ]


def test_over_long_sentences_are_cut_at_clause_breaks() -> None:
    text = ", ".join(["Russian troops shelled the road near the village"] * 40) + "."
    sentences = split_sentences(text)
    assert len(sentences) > 1 and all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(text[s.start: s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Russia's defence ministry said on Saturday that its troops had withdrawn.", "Russia's defence ministry"),
        ("Ukraine has withdrawn its troops, the country's new commander-in-chief said early on Saturday.",
         "the country's new commander-in-chief"),
        ("Hanna Maliar, Ukraine's deputy defence minister, says Ukrainian forces liberated the village.",
         "Hanna Maliar, Ukraine's deputy defence minister"),
        ("Troops have entered the city, the governor of the region, Oleh Syniehubov, said on Friday.",
         "the governor of the region, Oleh Syniehubov"),
        ("\"We are in the town,\" said Dmytro Lykhovii, spokesman for the Tavria group.",
         "Dmytro Lykhovii, spokesman for the Tavria group"),
        ("The bridge is down, according to the regional police.", "the regional police"),
        ("Ukrainian units are reported to be closing in on the town.", None),
        ("The advance comes a day after Ukrainian officials announced the liberation.", "Ukrainian officials"),
        ("Минобороны России сообщило о завершении операции.", "Минобороны России"),
        ("Ранее в субботу глава военной администрации Сергей Гайдай признал, что военные отошли.",
         "глава военной администрации Сергей Гайдай"),
        ("Об этом сообщил в субботу официальный представитель Минобороны России.",
         "официальный представитель Минобороны России"),
        ("Про це повідомило оперативно-стратегічне угруповання військ «Хортиця».",
         "оперативно-стратегічне угруповання військ «Хортиця»"),
        ("За словами речника бригади, бої тривають.", "речника бригади"),
        ("The weather was cold.", None),
    ],
)
def test_speaker_phrases(sentence: str, speaker: str | None) -> None:
    assert find_speaker_text(sentence) == speaker


def test_speaker_sides_and_context() -> None:
    ctx = SpeakerContext()
    assert resolve_speaker("Russia's defence ministry", ctx).side == "russia"
    assert resolve_speaker("The ministry", ctx).text == "Russia's defence ministry"
    assert resolve_speaker("he", ctx).side == "russia"
    assert resolve_speaker("Ukraine's general staff", ctx).side == "ukraine"
    assert resolve_speaker("the separatist authorities in Luhansk", ctx).side == "russia"
    assert resolve_speaker("the regional governor", ctx).side == "ukraine"
    assert resolve_speaker("Минобороны России", ctx).side == "russia"
    assert resolve_speaker("Генштаб ЗСУ", ctx).side == "ukraine"
    assert resolve_speaker("A Western defence analyst", ctx).side is None


def test_a_quotation_takes_the_speaker_of_its_closing_sentence() -> None:
    text = (
        "\"The enemy has left Snihurivka. Our flag is up,\" said a spokesman for Ukraine's southern command."
    )
    claims = [c for c in claims_for(text, {"Snihurivka": "Snihurivka"}) if c.counted]
    assert claims and claims[0].attribution == "a spokesman for Ukraine's southern command"
    assert claims[0].actor == "russia" and claims[0].implies == "ukrainian_control"


def test_masking_replaces_mentions_and_scare_quotes() -> None:
    na = article("Russia's army has 'liberated' Ugledar and Kurakhove's outskirts.", {"Ugledar": "V", "Kurakhove": "K"})
    ms = mask_sentence(na.article.text, 0, na.mentions)
    assert ms.text == "russia's army has liberated ⟨0⟩ and ⟨1⟩'s outskirts."
    assert [m.surface for m in ms.mentions] == ["Ugledar", "Kurakhove"]
