"""CONTRACT §3, rule by rule, in English, Ukrainian and Russian: a sentence where the rule applies ("pos")
and a near miss where it does not ("neg"), each checked against the article's verdict for one place."""

from __future__ import annotations

from collections import defaultdict

import pytest

from tests.unit.test_claims import status_of

UA, RU, CON = "ukrainian_control", "russian_control", "contested"

# (rule, language, pos|neg, sentence, place as written, expected verdict or None)
CASES: list[tuple[str, str, str, str, str, str | None]] = [
    # Ukrainian forces liberated / recaptured / took X -> ukrainian_control
    ("liberation", "en", "pos", "Ukrainian troops liberated Lyman on Saturday, the defence ministry in Kyiv said.", "Lyman", UA),
    ("liberation", "en", "pos", "The 93rd brigade retook Andriivka after weeks of fighting.", "Andriivka", UA),
    ("liberation", "en", "neg", "Ukraine hopes to liberate Melitopol before the winter.", "Melitopol", None),
    ("liberation", "uk", "pos", "Українські військові звільнили Лиман.", "Лиман", UA),
    ("liberation", "uk", "pos", "Сили оборони відбили Андріївку після тижнів боїв.", "Андріївку", UA),
    ("liberation", "uk", "neg", "Українські сили планують звільнити Мелітополь.", "Мелітополь", None),
    ("liberation", "ru", "pos", "ВСУ освободили Лиман, признали в Минобороны России.", "Лиман", UA),
    ("liberation", "ru", "neg", "ВСУ планируют освободить Мелитополь до зимы.", "Мелитополь", None),
    # Russian forces withdrew from / abandoned / left X -> ukrainian_control
    ("withdrawal_by_russia", "en", "pos", "Russian forces pulled out of Kreminna overnight, Ukraine's general staff said.", "Kreminna", UA),
    ("withdrawal_by_russia", "en", "pos", "Moscow's troops abandoned Snihurivka without a fight.", "Snihurivka", UA),
    ("withdrawal_by_russia", "en", "neg", "Russian troops withdrew from villages around Huliaipole.", "Huliaipole", None),
    ("withdrawal_by_russia", "uk", "pos", "Російські війська відійшли з Херсона на лівий берег.", "Херсона", UA),
    ("withdrawal_by_russia", "uk", "pos", "Окупанти покинули Снігурівку.", "Снігурівку", UA),
    ("withdrawal_by_russia", "uk", "neg", "Російські війська відійшли з околиць Чернігова.", "Чернігова", None),
    ("withdrawal_by_russia", "ru", "pos", "Российские подразделения покинули Купянск.", "Купянск", UA),
    ("withdrawal_by_russia", "ru", "neg", "Российские войска отошли с окраин Чернигова.", "Чернигова", None),
    # Ukrainian forces raised the flag in X -> ukrainian_control
    ("flag", "en", "pos", "Soldiers of the 57th brigade hoisted the Ukrainian flag over the school in Vysokopillia.", "Vysokopillia", UA),
    ("flag", "en", "neg", "Residents of Mariupol waved Ukrainian flags at a concert before the war.", "Mariupol", None),
    ("flag", "uk", "pos", "Над сільрадою в Посад-Покровському підняли український прапор.", "Посад-Покровському", UA),
    ("flag", "uk", "neg", "Прапор піднімуть над Мелітополем, коли місто звільнять.", "Мелітополем", None),
    ("flag", "ru", "pos", "Украинские военные подняли флаг Украины в центре Купянска.", "Купянска", UA),
    ("flag", "ru", "neg", "Жители Мариуполя вышли на концерт с флагами.", "Мариуполя", None),
    # Russian forces captured / seized / occupied / took X -> russian_control
    ("capture", "en", "pos", "Russian forces captured Marinka after a year-long assault, the Kremlin said.", "Marinka", RU),
    ("capture", "en", "pos", "Wagner fighters have taken Soledar, Prigozhin claimed.", "Soledar", RU),
    ("capture", "en", "neg", "Russian forces failed to capture Vuhledar despite heavy losses.", "Vuhledar", None),
    ("capture", "uk", "pos", "Російські окупанти захопили Мар'їнку.", "Мар'їнку", RU),
    ("capture", "uk", "neg", "Росіяни намагаються захопити Часів Яр.", "Часів Яр", None),
    ("capture", "ru", "pos", "Российские войска взяли Соледар.", "Соледар", RU),
    ("capture", "ru", "pos", "Российские войска полностью освободили Марьинку, сообщило Минобороны России.", "Марьинку", RU),
    ("capture", "ru", "neg", "Российским войскам так и не удалось взять Угледар.", "Угледар", None),
    # Ukrainian forces withdrew from / left X -> russian_control
    ("withdrawal_by_ukraine", "en", "pos", "Ukrainian units left Marinka and moved to new positions, the army said.", "Marinka", RU),
    ("withdrawal_by_ukraine", "en", "pos", "Kyiv confirmed its troops had pulled out of Soledar.", "Soledar", RU),
    ("withdrawal_by_ukraine", "en", "neg", "Ukrainian troops will have to withdraw from Pokrovsk if supplies fail.", "Pokrovsk", None),
    ("withdrawal_by_ukraine", "uk", "pos", "Українські підрозділи вийшли з Авдіївки.", "Авдіївки", RU),
    ("withdrawal_by_ukraine", "uk", "pos", "ЗСУ залишили Соледар, повідомив Генштаб.", "Соледар", RU),
    ("withdrawal_by_ukraine", "uk", "neg", "Нашим військам, можливо, доведеться відійти з Покровська.", "Покровська", None),
    ("withdrawal_by_ukraine", "ru", "pos", "Украинские военные оставили Авдеевку.", "Авдеевку", RU),
    ("withdrawal_by_ukraine", "ru", "pos", "ВСУ вышли из Соледара.", "Соледара", RU),
    ("withdrawal_by_ukraine", "ru", "neg", "ВСУ придется отступить из Покровска.", "Покровска", None),
    # forces of either side entered / broke into X -> contested
    ("entry", "en", "pos", "Russian troops entered Chasiv Yar on Tuesday.", "Chasiv Yar", CON),
    ("entry", "en", "pos", "Ukrainian forces broke into Kreminna from the south.", "Kreminna", CON),
    ("entry", "en", "neg", "Russian troops have not entered Toretsk, the governor said.", "Toretsk", None),
    ("entry", "uk", "pos", "Російські штурмовики увійшли в Торецьк.", "Торецьк", CON),
    ("entry", "uk", "pos", "Ворог зайшов до Часового Яру.", "Часового Яру", CON),
    ("entry", "uk", "neg", "Ворог не зміг зайти в Торецьк.", "Торецьк", None),
    ("entry", "ru", "pos", "Российские войска вошли в Торецк.", "Торецк", CON),
    ("entry", "ru", "neg", "Российские войска так и не вошли в Торецк.", "Торецк", None),
    # street fighting in X -> contested
    ("street_fighting", "en", "pos", "Street fighting is under way in Toretsk, a Ukrainian spokesman said.", "Toretsk", CON),
    ("street_fighting", "en", "pos", "There is fighting in the streets of Kurakhove.", "Kurakhove", CON),
    ("street_fighting", "en", "neg", "Heavy fighting continued near Kurakhove.", "Kurakhove", None),
    ("street_fighting", "uk", "pos", "У Торецьку тривають вуличні бої.", "Торецьку", CON),
    ("street_fighting", "uk", "pos", "Бої точаться на вулицях Курахового.", "Курахового", CON),
    ("street_fighting", "uk", "neg", "Бої точаться поблизу Курахового.", "Курахового", None),
    ("street_fighting", "ru", "pos", "В Бахмуте идут уличные бои.", "Бахмуте", CON),
    ("street_fighting", "ru", "pos", "Бои идут на улицах Торецка.", "Торецка", CON),
    ("street_fighting", "ru", "neg", "Бои идут в районе Торецка.", "Торецка", None),
    # X partly held (holds part of X, withdrawal from one district) -> contested
    ("partly_held", "en", "pos", "Russian forces now control about 60 per cent of Toretsk.", "Toretsk", CON),
    ("partly_held", "en", "pos", "Ukrainian troops withdrew from the eastern district of Chasiv Yar.", "Chasiv Yar", CON),
    ("partly_held", "en", "neg", "Ukrainian troops hold positions west of Chasiv Yar.", "Chasiv Yar", None),
    ("partly_held", "uk", "pos", "Росіяни контролюють більшу частину Торецька.", "Торецька", CON),
    ("partly_held", "uk", "neg", "Росіяни контролюють висоти біля Торецька.", "Торецька", None),
    ("partly_held", "ru", "pos", "ВСУ контролируют часть Часова Яра.", "Часова Яра", CON),
    ("partly_held", "ru", "neg", "ВСУ удерживают позиции у Часова Яра.", "Часова Яра", None),
    # approach, outskirts, "just outside", "on the edge of", "advance toward": no shift
    ("approach", "en", "pos", "Russian units are advancing toward Pokrovsk from the east.", "Pokrovsk", None),
    ("approach", "en", "pos", "Ukrainian troops are now on the edge of Tokmak.", "Tokmak", None),
    ("approach", "en", "pos", "Russian forces are about 3 km from Kurakhove.", "Kurakhove", None),
    ("approach", "en", "neg", "Russian troops entered Kurakhove.", "Kurakhove", CON),
    ("approach", "uk", "pos", "Ворог підійшов до околиць Покровська.", "Покровська", None),
    ("approach", "uk", "neg", "Ворог увійшов до Покровська.", "Покровська", CON),
    ("approach", "ru", "pos", "Российские войска подошли к Покровску.", "Покровску", None),
    ("approach", "ru", "neg", "Российские войска вошли в Покровск.", "Покровск", CON),
    # encirclement: no shift
    ("encirclement", "en", "pos", "Russian troops have encircled Avdiivka from three sides.", "Avdiivka", None),
    ("encirclement", "en", "neg", "Russian troops have taken Avdiivka.", "Avdiivka", RU),
    ("encirclement", "uk", "pos", "Росіяни оточили Авдіївку з трьох боків.", "Авдіївку", None),
    ("encirclement", "uk", "neg", "Росіяни захопили Авдіївку.", "Авдіївку", RU),
    ("encirclement", "ru", "pos", "Угледар находится в полуокружении.", "Угледар", None),
    ("encirclement", "ru", "neg", "Угледар взят.", "Угледар", RU),
    # shelling and strikes: no shift
    ("strike", "en", "pos", "A Russian missile struck Zaporizhzhia overnight, killing three people.", "Zaporizhzhia", None),
    ("strike", "en", "neg", "Russian troops seized Zaporizhzhia.", "Zaporizhzhia", RU),
    ("strike", "uk", "pos", "Росіяни обстріляли Херсон з артилерії.", "Херсон", None),
    ("strike", "uk", "neg", "Росіяни окупували Херсон.", "Херсон", RU),
    ("strike", "ru", "pos", "ВСУ обстреляли Горловку.", "Горловку", None),
    ("strike", "ru", "neg", "ВСУ освободили Горловку.", "Горловку", UA),
    # predictions and orders for a future pull-out: no shift
    ("prediction", "en", "pos", "Analysts say Russia could capture Pokrovsk by the end of the year.", "Pokrovsk", None),
    ("prediction", "en", "pos", "Russia's defence minister ordered his troops to leave Kherson.", "Kherson", None),
    ("prediction", "en", "pos", "Russian forces are expected to take Toretsk within weeks.", "Toretsk", None),
    ("prediction", "en", "neg", "Russian forces took Toretsk, the ministry said.", "Toretsk", RU),
    ("prediction", "uk", "pos", "Експерти вважають, що росіяни можуть захопити Покровськ до кінця року.", "Покровськ", None),
    ("prediction", "uk", "neg", "Росіяни захопили Покровськ.", "Покровськ", RU),
    ("prediction", "ru", "pos", "Российские войска могут взять Покровск в ближайшие недели.", "Покровск", None),
    ("prediction", "ru", "neg", "Российские войска взяли Покровск.", "Покровск", RU),
    # questions: no shift
    ("question", "en", "pos", "Reporters asked whether Russian troops had captured Krynky.", "Krynky", None),
    ("question", "en", "pos", "Has Bakhmut fallen?", "Bakhmut", None),
    ("question", "en", "neg", "Bakhmut has fallen, Wagner said.", "Bakhmut", RU),
    ("question", "uk", "pos", "Чи звільнили ЗСУ Кринки?", "Кринки", None),
    ("question", "uk", "neg", "ЗСУ звільнили Кринки.", "Кринки", UA),
    ("question", "ru", "pos", "Взяли ли российские войска Работино?", "Работино", None),
    ("question", "ru", "neg", "Российские войска взяли Работино.", "Работино", RU),
    # conditionals: an if-clause is no claim; "if held" qualifies a real claim without cancelling it
    ("conditional", "en", "pos", "If Russian troops capture Pokrovsk, the road to Dnipro opens.", "Pokrovsk", None),
    ("conditional", "en", "neg", "Ukrainian troops have entered Kreminna, a gain that, if held, would be significant.", "Kreminna", CON),
    ("conditional", "uk", "pos", "Якщо росіяни захопили Покровськ, фронт посиплеться.", "Покровськ", None),
    ("conditional", "uk", "neg", "ЗСУ увійшли в Кремінну, і це, якщо втримають, стане проривом.", "Кремінну", CON),
    ("conditional", "ru", "pos", "Если российские войска взяли Покровск, фронт рухнет.", "Покровск", None),
    ("conditional", "ru", "neg", "Российские войска вошли в Покровск, что, если удержат, станет прорывом.", "Покровск", CON),
    # denials: no claim of their own
    ("denial", "en", "pos", "Ukraine's army denied that Russian forces had captured Robotyne.", "Robotyne", None),
    ("denial", "en", "neg", "Ukraine's army admitted that Russian forces had captured Robotyne.", "Robotyne", RU),
    ("denial", "uk", "pos", "ЗСУ спростували інформацію про захоплення Роботиного.", "Роботиного", None),
    ("denial", "uk", "neg", "ЗСУ визнали захоплення Роботиного.", "Роботиного", RU),
    ("denial", "ru", "pos", "ВСУ опровергли сообщения о взятии Работино.", "Работино", None),
    ("denial", "ru", "neg", "ВСУ признали взятие Работино.", "Работино", RU),
    # explicitly hedged rumours: no shift
    ("hedged", "en", "pos", "Unconfirmed reports say Russian troops have left Oleshky.", "Oleshky", None),
    ("hedged", "en", "pos", "It is unclear whether Ukrainian troops have entered Svatove.", "Svatove", None),
    ("hedged", "en", "neg", "Russian troops have left Oleshky, the governor said.", "Oleshky", UA),
    ("hedged", "uk", "pos", "За неперевіреними даними, росіяни залишили Кринки.", "Кринки", None),
    ("hedged", "uk", "neg", "Росіяни залишили Кринки.", "Кринки", UA),
    ("hedged", "ru", "pos", "Российские войска якобы вошли в Торецк.", "Торецк", None),
    ("hedged", "ru", "neg", "Российские войска вошли в Торецк.", "Торецк", CON),
    # background placed explicitly in the past (publication date 10 March 2024)
    ("past", "en", "pos", "Russian forces captured Popasna in May.", "Popasna", None),
    ("past", "en", "pos", "Ukrainian troops left Soledar a year ago.", "Soledar", None),
    ("past", "en", "pos", "Izium, which Russia had occupied since April, is rebuilding.", "Izium", None),
    ("past", "en", "neg", "Russian troops left Krynky on Friday.", "Krynky", UA),
    ("past", "uk", "pos", "Росіяни окупували Херсон у березні 2022 року.", "Херсон", None),
    ("past", "uk", "pos", "Ізюм перебував під окупацією з квітня.", "Ізюм", None),
    ("past", "uk", "neg", "Росіяни залишили Кринки в п'ятницю.", "Кринки", UA),
    ("past", "ru", "pos", "Российские войска заняли Попасную в мае.", "Попасную", None),
    ("past", "ru", "neg", "Российские войска заняли Попасную в пятницу.", "Попасную", RU),
    # a phrase that only evaluates or imagines an action is no claim
    ("evaluation", "en", "pos", "Capturing Pokrovsk would be a major prize for Moscow.", "Pokrovsk", None),
    ("evaluation", "en", "pos", "The fall of Avdiivka would open the road west.", "Avdiivka", None),
    ("evaluation", "en", "neg", "Russian forces captured Avdiivka.", "Avdiivka", RU),
    ("evaluation", "uk", "pos", "Захоплення Покровська стане великим успіхом для Москви.", "Покровська", None),
    ("evaluation", "uk", "neg", "Москва оголосила про захоплення Покровська.", "Покровська", RU),
    ("evaluation", "ru", "pos", "Взятие Покровска откроет дорогу на Днепр.", "Покровска", None),
    ("evaluation", "ru", "neg", "Минобороны России объявило о взятии Покровска.", "Покровска", RU),
    # official statements by either side count; the passive voice takes its side from the verb
    ("official", "en", "pos", "Russia's defence ministry said its troops had withdrawn from Kupiansk.", "Kupiansk", UA),
    ("official", "en", "pos", "Izyum was liberated, the regional governor said.", "Izyum", UA),
    ("official", "en", "pos", "Kherson was seized by Russian troops.", "Kherson", RU),
    ("official", "en", "neg", "Russia's defence ministry said its troops would withdraw from Kupiansk.", "Kupiansk", None),
    ("official", "uk", "pos", "Генштаб ЗСУ повідомив, що українські війська звільнили Роботине.", "Роботине", UA),
    ("official", "uk", "pos", "Міноборони РФ заявило, що російські війська зайняли Кліщіївку.", "Кліщіївку", RU),
    ("official", "uk", "neg", "Генштаб ЗСУ повідомив, що українські війська наступають на Роботине.", "Роботине", None),
    ("official", "ru", "pos", "Минобороны России заявило, что российские войска полностью освободили Марьинку.", "Марьинку", RU),
    ("official", "ru", "neg", "Минобороны России заявило, что российские войска наступают на Марьинку.", "Марьинку", None),
]

LANG_OF = {"en": "en", "uk": "uk", "ru": "ru"}


@pytest.mark.parametrize(
    ("rule", "lang", "polarity", "text", "surface", "expected"),
    CASES,
    ids=[f"{r}-{lang}-{p}-{i}" for i, (r, lang, p, *_rest) in enumerate(CASES)],
)
def test_rule(rule: str, lang: str, polarity: str, text: str, surface: str, expected: str | None) -> None:
    assert status_of(text, surface, lang=LANG_OF[lang]) == expected


def test_every_rule_has_a_positive_and_a_negative_in_every_language() -> None:
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rule, lang, polarity, *_ in CASES:
        seen[(rule, lang)].add(polarity)
    rules = {rule for rule, *_ in CASES}
    for rule in rules:
        for lang in ("en", "uk", "ru"):
            assert seen[(rule, lang)] == {"pos", "neg"}, (rule, lang)
