"""Whole made-up articles (wire, liveblog, blog; en/uk/ru): the verdict per place, traps included."""

from __future__ import annotations

from workers.stage4_claims.core import article_verdicts, extract_claims
from tests.unit.test_claims import article

UA, RU, CON = "ukrainian_control", "russian_control", "contested"


def verdicts(text: str, places: dict[str, str], **kw: str) -> dict[str, str]:
    """Place name -> the article's verdict."""
    return {v.settlement.name: v.implies or "" for v in article_verdicts(extract_claims(article(text, places, **kw)))}


def test_official_claim_counts_despite_the_other_sides_denial() -> None:
    text = (
        "Russia claims full control of Marinka; Kyiv says fighting goes on\n\n"
        "Russia's defence minister Sergei Shoigu told President Vladimir Putin on Monday that Russian forces had "
        "taken full control of Marinka, a town on the western edge of Donetsk that has been fought over since 2014.\n\n"
        "Ukraine's military denied that the town had fallen. \"Fighting continues on the northern outskirts of "
        "Marinka,\" a spokesman for Ukraine's eastern command said.\n\n"
        "Russian artillery has pounded Kurakhove, 15 km to the west, for weeks. Analysts say the capture of Marinka "
        "would allow Russian forces to press on toward Kurakhove."
    )
    places = {"Marinka": "Marinka", "Donetsk": "Donetsk", "Kurakhove": "Kurakhove", "Kyiv": "Kyiv"}
    assert verdicts(text, places, published="2023-12-26T10:00:00Z") == {"Marinka": RU}


def test_liveblog_with_positions_drones_and_encirclement_shifts_nothing() -> None:
    text = (
        "Ukraine war live: Tuesday 14 November 2023\n\n"
        "21:10 Krynky\n"
        "Ukrainian marines have established positions on the left bank of the Dnipro in the village of Krynky, the "
        "navy's spokesman said. Russian-installed officials say the Ukrainian units are being shelled and \"will be "
        "destroyed\".\n\n"
        "18:30 Kherson\n"
        "A Russian drone attack on Kherson injured two people, the regional governor said.\n\n"
        "09:00 Avdiivka\n"
        "Russian forces continue attempts to encircle Avdiivka. The city's military administration said the situation "
        "was \"difficult but under control\"."
    )
    places = {"Krynky": "Krynky", "Kherson": "Kherson", "Avdiivka": "Avdiivka"}
    assert verdicts(text, places, published="2023-11-14T21:30:00Z") == {}


def test_russian_ministry_style_report() -> None:
    text = (
        "Минобороны России сообщило о взятии Красногоровки\n\n"
        "Подразделения группировки войск «Юг» полностью освободили населенный пункт Красногоровка, сообщило "
        "Министерство обороны России. Ранее украинские подразделения пытались удержать город, однако были вынуждены "
        "отступить.\n\n"
        "Военные эксперты полагают, что следующей целью станет Курахово."
    )
    places = {"Красногоровки": "Krasnohorivka", "Красногоровка": "Krasnohorivka", "Курахово": "Kurakhove"}
    assert verdicts(text, places, lang="ru", published="2024-09-10T10:00:00Z") == {"Krasnohorivka": RU}


def test_ukrainian_report_with_past_occupation_and_forecast() -> None:
    text = (
        "Сили оборони звільнили Роботине на Запоріжжі\n\n"
        "Українські військові звільнили село Роботине в Запорізькій області, повідомила заступниця міністра оборони "
        "Ганна Маляр. За її словами, тривають стабілізаційні заходи.\n\n"
        "Росіяни окупували Роботине на початку березня 2022 року. Наступною ціллю ЗСУ можуть стати Вербове та Токмак."
    )
    places = {"Роботине": "Robotyne", "Вербове": "Verbove", "Токмак": "Tokmak"}
    assert verdicts(text, places, lang="uk", published="2023-08-28T12:00:00Z") == {"Robotyne": UA}


def test_withdrawal_from_one_district_is_partial() -> None:
    text = (
        "Ukrainian troops pulled back from the Kanal district of Chasiv Yar, a Ukrainian army spokesman said on "
        "Thursday, but continue to hold the rest of the town."
    )
    assert verdicts(text, {"Chasiv Yar": "Chasiv Yar"}) == {"Chasiv Yar": CON}


def test_question_headline_and_conditional_fall() -> None:
    text = (
        "Will Pokrovsk fall? What we know\n\n"
        "Russian forces are now within 8 km of Pokrovsk. If the city falls, Ukraine would lose a key logistics hub."
    )
    assert verdicts(text, {"Pokrovsk": "Pokrovsk"}) == {}


def test_recapture_with_a_russian_repelled_statement() -> None:
    text = (
        "Ukraine retakes village of Staromaiorske, Zelensky says\n\n"
        "Ukrainian forces have recaptured the village of Staromaiorske in the south-east, President Volodymyr Zelensky "
        "said on Thursday. Russia's defence ministry said it had repelled Ukrainian attacks near Staromaiorske."
    )
    assert verdicts(text, {"Staromaiorske": "Staromaiorske"}) == {"Staromaiorske": UA}


def test_russian_language_ukrainian_side_report() -> None:
    text = (
        "ВСУ вышли из Авдеевки\n\n"
        "Главнокомандующий ВСУ Александр Сырский заявил, что принял решение о выходе подразделений из Авдеевки. "
        "По его словам, войска отошли на более выгодные рубежи."
    )
    assert verdicts(text, {"Авдеевки": "Avdiivka"}, lang="ru") == {"Avdiivka": RU}


def test_blog_with_rumour_and_background() -> None:
    text = (
        "Notes from the southern front\n\n"
        "Supposedly Russian troops have already left Nova Kakhovka, but nobody I know has seen it. Oleshky, which Russia "
        "occupied in March 2022, is still shelled every night. My guess is that Ukraine would take Tokmak before it "
        "takes Melitopol."
    )
    places = {"Nova Kakhovka": "Nova Kakhovka", "Oleshky": "Oleshky", "Tokmak": "Tokmak", "Melitopol": "Melitopol"}
    assert verdicts(text, places, published="2023-09-01T08:00:00Z") == {}


def test_the_town_stands_for_the_place_just_named() -> None:
    text = (
        "Kupiansk\n"
        "Ukrainian soldiers reached the centre of Kupiansk overnight. The governor said the town had been liberated."
    )
    assert verdicts(text, {"Kupiansk": "Kupiansk"}) == {"Kupiansk": UA}
