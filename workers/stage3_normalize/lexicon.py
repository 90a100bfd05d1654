"""Word lists behind the trap rules: given names, titles, region/river/street words, common-word names."""

from __future__ import annotations

# Frequent Ukrainian and Russian given names (Cyrillic); Latin spellings are generated from them.
GIVEN_NAMES_CYR = """
Олександр Александр Володимир Владимир Микола Николай Сергій Сергей Ігор Игорь Юрій Юрий Андрій Андрей
Петро Пётр Петр Іван Иван Василь Василий Дмитро Дмитрий Олег Віктор Виктор Віталій Виталий Валерій Валерий
Євген Евгений Богдан Роман Павло Павел Максим Анатолій Анатолий Геннадій Геннадий Кирило Кирилл Леонід Леонид
Михайло Михаил Руслан Денис Вадим Степан Григорій Григорий Борис Ярослав Вячеслав В'ячеслав Арсен Олексій
Алексей Антон Артем Артём Данило Даниил Федір Федор Ілля Илья Костянтин Константин Лев Марко Назар Остап
Ростислав Семен Семён Станіслав Станислав Святослав Тимофій Тимофей Валентин Йосип Иосиф Захар Тарас
Георгій Георгий Ілля Олесь Орест Всеволод Мирослав Зеленський Рамзан Емманюель
Олена Елена Ірина Ирина Оксана Наталія Наталья Тетяна Татьяна Юлія Юлия Світлана Светлана Ольга Людмила
Ганна Анна Катерина Екатерина Марія Мария Надія Надежда Вікторія Виктория Лариса Галина Леся Софія София
Дарія Дарья Анастасія Анастасия Христина Кристина Валентина Віра Вера Зоя Ніна Нина Лідія Лидия Алла Інна
Инна Марта Уляна Ульяна Людмила Любов Любовь Іванна Ярослава Мирослава Олеся Марина Маргарита
""".split()

# Latin given names common in the English-language press that transliteration does not produce.
GIVEN_NAMES_LATIN = """
Vladimir Volodymyr Wolodymyr Dmitry Dmitri Dmytro Sergei Sergey Serhiy Serhii Yevgeny Yevgeniy Evgeny Yevhen
Mikhail Mykhailo Mykhaylo Oleksandr Oleksander Alexander Aleksandr Alexandr Olexander Oleksiy Oleksii Alexei
Alexey Aleksei Andriy Andrii Andrei Andrey Yuriy Yurii Yuri Yury Vitaliy Vitalii Vitaly Valeriy Valerii
Valery Anatoliy Anatolii Anatoly Hennadiy Hennadii Gennady Mykola Nikolai Nikolay Petro Pyotr Ivan Vasyl
Vasily Vasiliy Viktor Victor Ihor Igor Oleh Oleg Roman Pavlo Pavel Maksym Maxim Kyrylo Kirill Leonid
Ruslan Denys Denis Vadym Vadim Stepan Borys Boris Yaroslav Vyacheslav Arsen Anton Artem Artyom Taras Bohdan
Kostiantyn Konstantin Ilya Illia Fedir Fyodor Ramzan Yevgeny Emmanuel Joe Joseph Olena Elena Iryna Irina
Oksana Natalia Nataliya Tetiana Tatiana Tatyana Yulia Yuliia Svitlana Svetlana Olha Olga Liudmyla Lyudmila
Hanna Anna Kateryna Ekaterina Mariia Maria Nadiya Nadiia Viktoriia Viktoria Larysa Halyna Lesia Lesya
Sofiia Daria Anastasiia Khrystyna Valentyna Vira Zoia Nina Lidiia Alla Inna Marta Uliana Marina Margarita
Hryhoriy Hryhorii Grigory Heorhiy Heorhii Georgy Semen Semyon Sviatoslav Stanislav Tymofiy Nazar Ostap
Rostyslav Danylo Zakhar Mstyslav Myroslav Orest Oles Vsevolod Yosyp Lev Marko Valentyn Yevhenii
John James Robert Michael William David Richard Thomas Charles Daniel Matthew Mark Marc Paul Andrew Andre
Peter Jean Pierre Michel Serge Jacques Francois Olaf Hans Klaus Jens Antony Antonio Lloyd Jake Kamala
Donald Boris Rishi Keir Emmanuel Olaf Ursula Jens Mary Patricia Jennifer Linda Elizabeth Susan Sarah
""".split()

# Words that put a person's name after them (President X, Gen. X, губернатор X).
TITLES = {
    "president", "general", "gen", "colonel", "col", "lieutenant", "lt", "major", "captain", "capt", "governor",
    "mayor", "mr", "mrs", "ms", "dr", "sir", "minister", "spokesman", "spokeswoman", "spokesperson", "commander",
    "chief", "adviser", "advisor", "marshal", "patriarch", "pope", "king", "queen", "prince", "senator", "deputy",
    "secretary", "ambassador", "sergeant", "sgt", "private", "pte", "admiral", "brigadier", "ombudsman",
    "президент", "генерал", "полковник", "губернатор", "мер", "мэр", "міністр", "министр", "речник", "пан", "пані",
    "командувач", "командующий", "глава", "голова", "радник", "советник", "депутат", "посол", "сержант",
}

# Verbs of saying: "Makarov said" is a person (Makariv is Макаров in Russian), unless the name is a big
# city speaking for its government ("Kyiv said").
SPEECH_VERBS = {
    "said", "says", "told", "tells", "added", "adds", "stated", "claimed", "claims", "wrote", "writes", "announced",
    "noted", "warned", "replied", "insisted", "argued", "explained", "confirmed", "denied", "reported",
    "заявив", "заявила", "сказав", "сказала", "повідомив", "повідомила", "написав", "написала", "додав", "додала",
    "заявил", "заявила", "сказал", "сказала", "сообщил", "сообщила", "написал", "написала", "добавил", "добавила",
    "зазначив", "отметил", "підкреслив", "подчеркнул", "пояснив", "пояснил",
}
RELATIVE_PRONOUNS = {"who", "який", "яка", "который", "которая"}
SPEECH_BEFORE = {"said", "says", "told", "added", "wrote", "заявив", "сказав", "заявил", "сказал", "додав", "добавил"}
# A settlement name directly followed by one of these names a region, a front, an operation or a
# feature, not the town: "Kharkiv region", "Donetsk front", "Oskil river", "Snake Island".
REGION_NOUNS_LATIN = {
    "region", "regions", "oblast", "oblasts", "province", "provinces", "governorate", "district",
    "raion", "rayon", "krai", "front", "fronts", "direction", "directions", "axis", "axes", "sector", "sectors",
    "offensive", "counteroffensive", "counteroffensives", "counter", "operation", "stronghold", "republic",
    "river", "rivers", "reservoir", "island", "islands", "spit", "lake", "canal", "dam", "bay", "nuclear", "npp",
    "hpp", "hydroelectric", "group", "grouping", "pipeline", "street", "st", "avenue", "ave", "boulevard", "blvd",
    "square", "prospekt", "prospect", "lane", "stadium", "fc", "club", "brigade", "battalion", "regiment",
    "division", "corps", "basin", "oblasti", "raions", "rayons",
}
REGION_NOUNS_CYR_PREFIXES = (
    "област", "район", "регион", "регіон", "напрям", "направлен", "фронт", "річк", "ріки", "ріці", "река", "реки",
    "реке", "реку", "водосховищ", "водохранилищ", "острів", "остров", "острова", "аес", "аэс", "гес", "гэс",
    "угрупован", "группировк", "народн", "республік", "республик", "вулиц", "улиц", "проспект", "площ", "бульвар",
    "провул", "переул", "громад",
)
# Capitalised words around a name that make it an organisation: the Kyiv Independent, Shakhtar Donetsk.
ORG_AFTER = {"independent", "post", "times", "herald", "pravda", "daily", "tv", "radio", "dynamo", "fc"}
ORG_AFTER |= {"university"}
ORG_BEFORE = {"shakhtar", "dynamo", "zorya", "zoria", "metalist", "fc", "шахтар", "динамо", "зоря", "металіст"}
# Words before a name that make it a street or a square (вулиця Шевченка).
STREET_WORDS = {
    "вулиця", "вулиці", "вулицю", "вулицею", "вул", "улица", "улице", "улицы", "улицу", "ул", "проспект",
    "проспекті", "проспекта", "просп", "площа", "площі", "площу", "площадь", "площади", "бульвар", "бульварі",
    "бульвара", "провулок", "провулку", "переулок", "переулке", "шосе", "шоссе", "набережна", "набережній",
    "набережная", "набережной", "street", "avenue", "square",
}
# Words before a name that make it a river, a bank or an island (river Dnipro, берег Дніпра, острів Зміїний).
RIVER_WORDS = {
    "river", "річка", "річки", "річці", "річку", "ріка", "ріки", "ріці", "река", "реки", "реке", "реку", "рекой",
    "берег", "берега", "берегу", "березі", "береги", "берегах", "берегом", "bank", "banks", "island", "isle",
    "острів", "острова", "острові", "островом", "остров", "острове", "озеро", "озера", "lake",
}
# Rivers and water bodies whose names are also settlement names (Dnipro, Oskil, Desna, Irpin...).
RIVER_NAMES = {
    "dnipro", "dnieper", "dnepr", "dniepr", "oskil", "oskol", "donets", "desna", "dniester", "dnister", "dnestr",
    "danube", "dunai", "dunay", "inhulets", "ingulets", "psel", "psyol", "vorskla", "sula", "buh", "bug", "horyn",
    "sluch", "prypiat", "pripyat", "seim", "seym", "kalmius", "mius", "samara", "vovcha", "udy", "teteriv",
    "irpin", "molochna", "berda", "krynka", "aidar", "aydar", "zherebets", "bakhmutka", "kazennyi",
    "дніпро", "днепр", "оскіл", "оскол", "донець", "донец", "десна", "дністер", "днестр", "дунай", "інгулець",
    "ингулец", "псел", "ворскла", "сула", "буг", "горинь", "случ", "прип'ять", "припять", "сейм", "кальміус",
    "кальмиус", "міус", "миус", "самара", "вовча", "волчья", "уди", "уды", "тетерів", "ірпінь", "ирпень",
    "молочна", "берда", "кринка", "айдар", "жеребець", "бахмутка",
}
# River names written as two words: Siverskyi Donets, Southern Bug.
RIVER_PHRASE_PATTERNS = (
    r"\b(?:Siverskyi|Siverskyy|Seversky|Severskiy|Severskii|Sieverskyi|Northern)[\s\-]+Donets\w*",
    r"\b(?:Сіверськ|Северск)\w*\s+(?:Дон|Дін)\w*",
    r"\b(?:Southern|Pivdennyi|Pivdennyy|Yuzhny|Yuzhnyi)\s+(?:Buh|Bug)\b",
    r"\b(?:Південн|Южн)\w*\s+Буг\w*",
)
# Nouns that make the next name a settlement: "the village of Peremoha", "у селі Дружба".
SETTLEMENT_NOUNS = {
    "village", "villages", "town", "towns", "city", "cities", "settlement", "settlements", "hamlet", "hamlets",
    "село", "селі", "села", "селом", "сіл", "селище", "селищі", "селища", "селищем", "місто", "місті", "міста",
    "містом", "смт", "поселок", "посёлок", "поселке", "посёлке", "поселка", "посёлка", "деревня", "деревне",
    "деревни", "город", "городе", "города", "городом", "сёла", "населений", "населенном", "пункт", "пункті",
}
# Place names that are also everyday words and are often capitalised as such (День Перемоги,
# the Druzhba pipeline, "Slava Ukraini"): they count only with a place context.
COMMON_WORD_NAMES_CYR = """
перемога победа дружба мир слава прогрес прогресс надія надежда свобода воля зоря заря маяк промінь луч
майдан привілля приволье згода труд жовтень октябрь комунар коммунар незалежність україна украина
батьківщина родина успіх
""".split()
# Adjective and noun names that are everyday words only at the start of a sentence (Зелене світло).
WEAK_COMMON_WORD_NAMES_CYR = """
зелене зеленое світле светлое радісне радостное нове новое щасливе счастливое веселе веселое дружне дружное
мирне мирное вільне вольное весна світанок рассвет зірка звезда степ поле спокій золоте золотое
""".split()
# Region and country names that are not settlements (and must not be matched to a homonymous village).
NON_SETTLEMENT_NAMES = """
Crimea Krym Donbas Donbass Siberia Europe Caucasus Transnistria Abkhazia Ukraine Ukraina Russia
Belarus Moldova Poland Georgia Kuban Azov Polissia Podillia Bukovyna Galicia Halychyna
Volyn Zakarpattia Transcarpathia Slobozhanshchyna Prykarpattia Pryazovia Novorossiya Novorossia
Крим Крым Донбас Донбасс Сибір Сибирь Європа Европа Кавказ Придністров'я Приднестровье Україна Украина Росія
Россия Білорусь Беларусь Молдова Польща Польша Грузія Грузия Кубань Азов Полісся Поділля
Буковина Галичина Волинь Закарпаття Слобожанщина Прикарпаття Приазов'я Новоросія Новороссия
""".split()
# Organisation names whose first word is also a village's name: "Сили оборони" (the Defence Forces) is no Sil.
ORGANISATION_PHRASE_PATTERNS = (r"\b[Сс]ил(?:и|а|ами|ам|ах|ы)?\s+[Оо]борон[иыі]\w*",)
# Words before a name that make it the object of a claim about a place ("liberation of Pryvillia"),
# enough of a place context for a name that is also an everyday word.
CLAIM_WORDS = {
    "liberated", "liberation", "liberating", "captured", "capture", "recaptured", "recapture", "retook", "retaken",
    "seized", "seizure", "occupied", "entered", "over", "звільнили", "звільнення", "звільнено", "визволили",
    "захопили", "захоплення", "окупували", "увійшли", "зайшли", "освободили", "освобождение", "освобожден",
    "освобождены", "захватили", "заняли", "вошли",
}
# Lines that are tag lists or bylines, not text ("Tags: Izium, Kupiansk").
TAG_LINE_PATTERN = (
    r"(?im)^[ \t]*(?:(?:tags?|categories|category|topics|теги|мітки|метки|рубрики?)[ \t]*:"
    r"|tagged(?: with)?\b|filed under\b|posted in\b)[^\n]*$"
)
