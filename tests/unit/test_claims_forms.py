"""Word forms generated from lemmas for the uk/ru lexicons (pymorphy3 dictionaries)."""

from __future__ import annotations

import pytest

from workers.stage4_claims.forms import expand, forms


def test_verb_forms_by_kind() -> None:
    assert set(forms("uk", "past", "звільнити")) == {"звільнив", "звільнила", "звільнило", "звільнили"}
    assert forms("uk", "impe", "звільнити") == ("звільнено",)
    assert forms("uk", "inf", "звільнити") == ("звільнити",)  # not the short "звільнить", a future
    assert {"освобожден", "освобождена", "освобождено", "освобождены"} == set(forms("ru", "pred", "освободить"))
    assert {"освободив", "освободивши"} == set(forms("ru", "ger", "освободить"))
    assert "контролюють" in forms("uk", "pres", "контролювати")


def test_phrases_inflect_in_agreement() -> None:
    uk = forms("uk", "noun", "населений_пункт")
    assert {"населений пункт", "населеними пунктами", "населеного пункту", "населених пунктів"} <= set(uk)
    assert "областным центром" in forms("ru", "sing", "областной_центр")
    assert not any(" пункты" in f for f in forms("ru", "sing", "населённый_пункт"))


def test_macros_expand_to_alternations_with_flexible_spaces() -> None:
    pattern = expand(r"\b(?P<t><past:звільнити>)\s+<noun:населений_пункт>", "uk")
    assert "звільнили" in pattern and r"населеними\s+пунктами" in pattern and "<" not in pattern.replace("(?P<t>", "")


def test_a_kind_the_dictionary_lacks_fails_loudly() -> None:
    with pytest.raises(ValueError):
        forms("uk", "ger", "звільнити")  # Ukrainian gerunds are their own dictionary entries
    assert forms("uk", "sing", "смт") == ("смт",)  # an abbreviation outside the dictionary stays as written
