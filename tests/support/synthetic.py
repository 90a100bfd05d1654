"""Deterministic generator of war-news-like articles and their republications (tests, benchmark).

An `Event` fixes the facts (place, side, officials, figures, an official quote); `write_article`
renders it in one reporter's words, composed sentence by sentence from slot vocabularies. A
`Voice` of style 0 or 1 takes every wording from its own half of each vocabulary, so reporters
of opposite styles share the names, figures and quote of an event but not its phrasing (a
`Voice` without style uses every wording). `republish` makes a wire copy of a text: new
headline, a share of the words changed, paragraphs reordered, maybe cut, a boilerplate footer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PLACES: tuple[tuple[str, str], ...] = (
    ("Izium", "Kharkiv"), ("Kupiansk", "Kharkiv"), ("Balakliia", "Kharkiv"), ("Vovchansk", "Kharkiv"),
    ("Bakhmut", "Donetsk"), ("Avdiivka", "Donetsk"), ("Vuhledar", "Donetsk"), ("Marinka", "Donetsk"),
    ("Pokrovsk", "Donetsk"), ("Chasiv Yar", "Donetsk"), ("Toretsk", "Donetsk"), ("Lyman", "Donetsk"),
    ("Siversk", "Donetsk"), ("Lysychansk", "Luhansk"), ("Sievierodonetsk", "Luhansk"), ("Kreminna", "Luhansk"),
    ("Rubizhne", "Luhansk"), ("Popasna", "Luhansk"), ("Kherson", "Kherson"), ("Nova Kakhovka", "Kherson"),
    ("Snihurivka", "Mykolaiv"), ("Robotyne", "Zaporizhzhia"), ("Orikhiv", "Zaporizhzhia"), ("Huliaipole", "Zaporizhzhia"),
)
UA_OFFICIALS = (
    "Oleksandr Syrskyi, the commander-in-chief", "Valerii Zaluzhnyi, the army chief", "Hanna Maliar, the deputy defence minister",
    "Serhiy Haidai, the regional governor", "Oleh Syniehubov, the regional governor", "Pavlo Kyrylenko, the regional governor",
    "Oleksandr Tarnavskyi, the sector commander", "a spokesman for the general staff", "Nazar Voloshyn, a military spokesman",
)
RU_OFFICIALS = (
    "Igor Konashenkov, the defence ministry spokesman", "Sergei Shoigu, the defence minister", "Dmitry Peskov, the Kremlin spokesman",
    "Denis Pushilin, the Moscow-installed official", "Yevgeny Prigozhin, the Wagner chief", "Leonid Pasechnik, the Moscow-installed leader",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
KINDS = ("withdrawal", "capture", "liberation", "street_fighting", "shelling")
FOOTERS = (
    "This report was first published by {agency} and is republished with permission.",
    "(Reporting by {name}; editing by {name2})",
    "Follow our live coverage of the war in Ukraine for the latest updates.",
    "Sign up for our morning briefing to get the news from Ukraine in your inbox every day.",
    "{outlet} relies on readers like you. Support independent journalism with a monthly donation.",
    "Copyright {outlet}. All rights reserved. This material may not be redistributed.",
    "Additional reporting by {name} in Kyiv and {name2} in London.",
)
AGENCIES = ("Northwire", "Eastern Wire Service", "Meridian News", "Baltic Morning", "Steppe Herald", "Danube Press")
REPORTERS = ("Olena Koval", "Mark Hughes", "Anna Petrenko", "James Reid", "Iryna Bondar", "Tom Walsh", "Sofia Marchenko")
FILLER = ("the", "a", "said", "its", "town", "forces", "front", "city", "army", "troops", "after", "new", "days", "line")


@dataclass(frozen=True)
class Event:
    """The facts shared by every article about one event."""

    place: str
    oblast: str
    neighbours: tuple[str, ...]
    kind: str
    official: str
    rival: str
    weekday: str
    days: int
    km: int
    population: int
    killed: int
    quote: str


def make_event(rng: random.Random) -> Event:
    """Draw one event: a place, what happened there, who said so, and the figures."""
    place, oblast = rng.choice(PLACES)
    near = [p for p, o in PLACES if o == oblast and p != place]
    far = [p for p, o in PLACES if o != oblast]
    rng.shuffle(near)
    neighbours = tuple((near + rng.sample(far, 3))[:3])
    kind = rng.choice(KINDS)
    ua, ru = rng.choice(UA_OFFICIALS), rng.choice(RU_OFFICIALS)
    official, rival = (ru, ua) if kind == "capture" and rng.random() < 0.7 else (ua, ru)
    quote = rng.choice((
        "In order to preserve the lives of our defenders, a decision was made to move to prepared positions",
        "The enemy is suffering heavy losses but keeps throwing new assault groups at our lines",
        "Our soldiers have done everything possible and impossible to hold this ground",
        "The situation is difficult but under control, and reserves are on their way",
        "We will return, and every metre of this land will be free again",
        "Units continue to clear the area of remaining enemy groups",
    ))
    return Event(place, oblast, neighbours, kind, official, rival, rng.choice(WEEKDAYS), rng.randint(3, 160),
                 rng.randint(5, 60), rng.choice((8_000, 12_000, 22_000, 32_000, 46_000, 70_000, 100_000, 290_000)),
                 rng.randint(2, 40), quote)


class Voice(random.Random):
    """A reporter's random choices; `style` 0 or 1 draws every wording from one half of the options."""

    def __init__(self, seed: int, style: int | None = None) -> None:
        super().__init__(seed)
        self.style = style


def _pick(rng: random.Random, *options: str) -> str:
    style = getattr(rng, "style", None)
    if style is not None and len(options) > 1:
        options = options[style::2]
    return rng.choice(options)


def _side(rng: random.Random, kind: str) -> str:
    russian = kind in ("capture", "street_fighting", "shelling")
    if russian:
        return _pick(rng, "Russian forces", "Russian troops", "Moscow's forces", "Russian units", "the Russian army")
    return _pick(rng, "Ukrainian forces", "Ukrainian troops", "Kyiv's forces", "Ukrainian units", "the Ukrainian army")


def _action(rng: random.Random, e: Event) -> str:
    verbs = {
        "withdrawal": ("withdrew from", "pulled out of", "left", "retreated from", "abandoned their positions in"),
        "capture": ("captured", "seized", "took control of", "occupied", "overran"),
        "liberation": ("recaptured", "liberated", "retook", "took back", "regained control of"),
        "street_fighting": ("broke into", "pushed into", "fought their way into", "entered", "stormed"),
        "shelling": ("shelled", "pounded", "struck", "bombarded", "hit"),
    }[e.kind]
    return f"{_side(rng, e.kind)} {_pick(rng, *verbs)} {e.place}"


def _lead(rng: random.Random, e: Event) -> str:
    when = _pick(rng, f"on {e.weekday}", f"late on {e.weekday}", f"early on {e.weekday}", f"overnight into {e.weekday}")
    tail = _pick(rng, f"after {e.days} days of fighting", f"ending a battle that lasted {e.days} days",
                 f"following a {e.days}-day struggle for the {_pick(rng, 'town', 'city', 'settlement')}",
                 f"in what observers called the most significant shift in the {e.oblast} region in months",
                 f"handing {_pick(rng, 'Moscow', 'Kyiv')} a {_pick(rng, 'symbolic', 'hard-won', 'costly')} result")
    return _pick(rng, f"{_action(rng, e)} {when}, {e.official} said, {tail}.",
                 f"{e.official} said {when} that {_action(rng, e)}, {tail}.",
                 f"According to {e.official}, {_action(rng, e)} {when}, {tail}.",
                 f"{_action(rng, e)} {when}, {tail}, according to {e.official}.")


def _quote(rng: random.Random, e: Event) -> str:
    verb = _pick(rng, "said", "wrote on Telegram", "told reporters", "said in a video address", "said in a statement")
    return _pick(rng, f'"{e.quote}," {e.official.split(",")[0]} {verb}.', f'{e.official.split(",")[0]} {verb}: "{e.quote}."')


def _rival(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{e.rival} {_pick(rng, 'disputed', 'rejected', 'played down', 'did not comment on')} the account, "
        f"{_pick(rng, 'saying', 'insisting', 'claiming')} that fighting {_pick(rng, 'continued', 'was still going on')} "
        f"{_pick(rng, 'on the edges of', 'in parts of', 'around')} {e.place}.",
        f"There was no immediate {_pick(rng, 'response', 'reaction', 'comment')} from {e.rival}.",
        f"{e.rival}, {_pick(rng, 'later', 'separately')} {_pick(rng, 'said', 'claimed')} that "
        f"{_pick(rng, 'the enemy had lost', 'the other side had lost')} {_pick(rng, 'hundreds of', 'dozens of')} "
        f"{_pick(rng, 'soldiers', 'men', 'fighters')} {_pick(rng, 'in the last week', 'since the start of the month')}.",
    )


def _context(rng: random.Random, e: Event) -> str:
    pop = f"{e.population:,}"
    return _pick(
        rng,
        f"{e.place}, {_pick(rng, 'which had', 'a town that once had', 'home before the war to')} about {pop} "
        f"{_pick(rng, 'residents', 'people', 'inhabitants')}, {_pick(rng, 'has been', 'had been')} "
        f"{_pick(rng, 'largely destroyed', 'reduced to ruins', 'badly damaged')} by {_pick(rng, 'months', 'weeks')} of "
        f"{_pick(rng, 'shelling', 'artillery fire', 'air strikes')}.",
        f"Before the {_pick(rng, 'full-scale invasion', 'war', 'Russian invasion')}, {e.place} was "
        f"{_pick(rng, 'an industrial town', 'a market town', 'a rail hub', 'a regional centre')} of {pop} people in the "
        f"{e.oblast} region.",
        f"The {_pick(rng, 'town', 'city')} lies about {e.km} kilometres {_pick(rng, 'north', 'south', 'east', 'west')} "
        f"of {e.neighbours[0]} and {_pick(rng, 'sits on', 'controls', 'straddles')} a "
        f"{_pick(rng, 'key road', 'railway line', 'supply route', 'river crossing')} "
        f"{_pick(rng, 'used by both armies', 'vital for supplies', 'leading to the front line')}.",
    )


def _nearby(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{_pick(rng, 'Shelling', 'Artillery fire', 'Drone attacks')} {_pick(rng, 'also hit', 'continued in', 'struck')} "
        f"{e.neighbours[1]} and {e.neighbours[2]}, where {e.killed} {_pick(rng, 'civilians', 'people')} were "
        f"{_pick(rng, 'killed', 'reported killed', 'wounded')}, {_pick(rng, 'local officials', 'regional authorities', 'police')} said.",
        f"In {e.neighbours[1]}, {_pick(rng, 'a missile', 'a glide bomb', 'a drone')} "
        f"{_pick(rng, 'hit', 'destroyed', 'damaged')} {_pick(rng, 'a school', 'an apartment block', 'a power substation', 'a hospital')}, "
        f"{_pick(rng, 'killing', 'injuring')} {e.killed} people.",
        f"{_pick(rng, 'Fighting', 'Heavy fighting', 'Clashes')} {_pick(rng, 'was also reported', 'continued', 'intensified')} "
        f"near {e.neighbours[1]}, {_pick(rng, 'some', 'about')} {e.km} kilometres away.",
    )


def _significance(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{_pick(rng, 'Analysts', 'Military analysts', 'Western officials')} {_pick(rng, 'said', 'say', 'believe')} the "
        f"{_pick(rng, 'loss', 'outcome', 'fight')} {_pick(rng, 'could', 'may', 'is likely to')} "
        f"{_pick(rng, 'open the way toward', 'expose', 'put pressure on')} {e.neighbours[0]}.",
        f"The {_pick(rng, 'Institute for the Study of War', 'think tank ISW', 'Washington-based ISW')} said in its "
        f"{_pick(rng, 'daily', 'latest', 'evening')} {_pick(rng, 'update', 'assessment', 'report')} that "
        f"{_pick(rng, 'both sides', 'the two armies')} had {_pick(rng, 'committed', 'thrown in', 'lost')} "
        f"{_pick(rng, 'significant', 'large', 'heavy')} {_pick(rng, 'reserves', 'resources', 'numbers of troops')} in the area.",
        f"{_pick(rng, 'The battle', 'The fight', 'The struggle')} for {e.place} has "
        f"{_pick(rng, 'become', 'turned into')} {_pick(rng, 'a symbol of', 'a test of')} "
        f"{_pick(rng, 'the war of attrition', 'the slow grind', 'the new phase of the war')} in the {e.oblast} region.",
    )


def _humanitarian(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{_pick(rng, 'Volunteers', 'Aid workers', 'Police officers')} {_pick(rng, 'evacuated', 'helped to move', 'brought out')} "
        f"{_pick(rng, 'dozens of', 'several hundred', 'the last')} {_pick(rng, 'residents', 'elderly people', 'civilians')} "
        f"{_pick(rng, 'in recent days', 'this week', 'under fire')}.",
        f"{_pick(rng, 'Power', 'Water', 'Gas')} {_pick(rng, 'supplies', 'lines')} to the {_pick(rng, 'area', 'district')} "
        f"{_pick(rng, 'remain cut', 'have been cut', 'were damaged')}, and "
        f"{_pick(rng, 'residents', 'those who stayed')} {_pick(rng, 'shelter', 'live')} in {_pick(rng, 'basements', 'cellars')}.",
        f"{_pick(rng, 'Officials', 'The regional administration', 'Authorities')} {_pick(rng, 'urged', 'ordered', 'asked')} "
        f"{_pick(rng, 'families with children', 'the remaining civilians', 'residents')} to leave "
        f"{_pick(rng, 'the area', 'nearby villages', f'{e.neighbours[2]}')}.",
    )


def _aid(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{_pick(rng, 'Ukrainian commanders', 'Soldiers on the front', 'Officers')} "
        f"{_pick(rng, 'complain of', 'speak of', 'report')} {_pick(rng, 'severe', 'growing', 'chronic')} shortages of "
        f"{_pick(rng, 'artillery shells', 'ammunition', 'air defence missiles')} {_pick(rng, 'while', 'as')} "
        f"{_pick(rng, 'Western aid', 'a US aid package', 'European deliveries')} {_pick(rng, 'remains stalled', 'is delayed', 'slows')}.",
        f"{_pick(rng, 'Drones', 'Glide bombs', 'Mines')} {_pick(rng, 'have made', 'made')} "
        f"{_pick(rng, 'every movement', 'rotations', 'supply runs')} {_pick(rng, 'dangerous', 'slow', 'costly')}, "
        f"{_pick(rng, 'a soldier', 'a drone operator', 'a medic')} {_pick(rng, 'told', 'said to')} {_pick(rng, 'reporters', 'a visiting journalist')}.",
    )


def _history(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{e.place} {_pick(rng, 'had been', 'has been', 'was')} on the front line "
        f"{_pick(rng, 'since 2014', 'since the spring', 'for most of the war', 'since the first weeks of the invasion')}, "
        f"{_pick(rng, 'changing hands', 'coming under fire', 'being fought over')} "
        f"{_pick(rng, 'more than once', 'again and again', 'almost daily')}.",
        f"{_pick(rng, 'Months', 'Weeks')} {_pick(rng, 'ago', 'earlier')}, {_pick(rng, 'commanders', 'officials')} "
        f"had {_pick(rng, 'described', 'called')} the {_pick(rng, 'defence', 'position', 'salient')} around {e.place} as "
        f"{_pick(rng, 'stable', 'difficult', 'critical', 'well fortified')}.",
    )


def _losses(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{_pick(rng, 'Neither side', 'Neither army')} {_pick(rng, 'gave', 'published', 'disclosed')} "
        f"{_pick(rng, 'figures', 'numbers')} for {_pick(rng, 'its own', 'their own')} "
        f"{_pick(rng, 'losses', 'casualties', 'dead and wounded')}, and the {_pick(rng, 'claims', 'reports')} "
        f"could not be {_pick(rng, 'independently verified', 'checked', 'confirmed')}.",
        f"{_pick(rng, 'Satellite images', 'Drone footage', 'Videos posted online')} "
        f"{_pick(rng, 'showed', 'appeared to show')} {_pick(rng, 'burned-out', 'destroyed', 'abandoned')} "
        f"{_pick(rng, 'armoured vehicles', 'tanks', 'trucks')} {_pick(rng, 'along', 'on')} the "
        f"{_pick(rng, 'road', 'highway', 'approaches')} to {e.place}.",
    )


def _weather(rng: random.Random, e: Event) -> str:
    return _pick(
        rng,
        f"{_pick(rng, 'Heavy rain', 'Deep mud', 'Snow', 'Fog')} {_pick(rng, 'has slowed', 'slowed', 'hampered')} "
        f"{_pick(rng, 'movement', 'operations', 'both armies')} {_pick(rng, 'across the region', 'in the area', 'along the front')} "
        f"{_pick(rng, 'in recent days', 'this week', 'since the weekend')}.",
        f"{_pick(rng, 'The fields', 'The tree lines', 'The roads')} {_pick(rng, 'around', 'near', 'west of')} {e.place} "
        f"{_pick(rng, 'are', 'remain')} {_pick(rng, 'heavily mined', 'littered with craters', 'under constant drone watch')}.",
    )


_FACTS = (_quote, _rival, _context, _nearby, _significance, _humanitarian, _aid, _history, _losses, _weather)


def headline(rng: random.Random, e: Event) -> str:
    """A headline for the event, in one of many wordings."""
    verb = {"withdrawal": "withdraw from", "capture": "seize", "liberation": "retake",
            "street_fighting": "fight inside", "shelling": "shell"}[e.kind]
    who = _pick(rng, "Ukraine", "Russia", "Troops", "Forces")
    return _pick(rng, f"{who} {verb} {e.place} after {e.days}-day battle", f"{e.place}: {who.lower()} {verb} the town",
                 f"What we know as forces {verb} {e.place}", f"{e.place} {_pick(rng, 'update', 'latest', 'live')}: {verb}")


def write_article(rng: random.Random, e: Event) -> str:
    """One reporter's article on the event: headline, then 4-9 paragraphs of 1-3 sentences."""
    facts = [f for f in _FACTS if rng.random() < 0.85]
    rng.shuffle(facts)
    sentences = [f(rng, e) for f in [_lead, *facts]]
    for _ in range(rng.randint(0, 6)):
        extra = rng.choice(_FACTS)(rng, e)
        if extra not in sentences:
            sentences.append(extra)
    paras: list[str] = []
    i = 0
    while i < len(sentences):
        n = rng.choice((1, 1, 2, 2, 3))
        paras.append(" ".join(s[0].upper() + s[1:] for s in sentences[i:i + n]))
        i += n
    return "\n\n".join([headline(rng, e), *paras])


def republish(rng: random.Random, text: str, e: Event, edit_rate: float = 0.05, keep: float = 1.0) -> str:
    """A republication: new headline, `edit_rate` of the words changed, paragraphs reordered, footer added.

    `keep` < 1 also cuts the story to that share of its paragraphs (at least one), as copy desks do.
    """
    paras = [p.split(" ") for p in text.split("\n\n")[1:]]
    paras = paras[: max(1, round(len(paras) * keep))]
    slots = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    for i, j in rng.sample(slots, round(len(slots) * edit_rate)):
        paras[i][j] = rng.choice([w for w in FILLER if w != paras[i][j].lower()])
    edited = [" ".join(p) for p in paras]
    rng.shuffle(edited)
    footer = rng.choice(FOOTERS).format(agency=rng.choice(AGENCIES), name=rng.choice(REPORTERS),
                                        name2=rng.choice(REPORTERS), outlet=rng.choice(AGENCIES))
    return "\n\n".join([headline(rng, e), *edited, footer])


def bulletin(rng: random.Random, day: int) -> str:
    """A daily general-staff bulletin from a fixed template: only places and figures change."""
    places = rng.sample([p for p, _ in PLACES], 6)
    n = [rng.randint(2, 90) for _ in range(6)]
    return "\n\n".join([
        f"General staff update, day {day}",
        f"The enemy continues to focus its main efforts on the {places[0]}, {places[1]} and {places[2]} directions, "
        f"the general staff of the armed forces of Ukraine said in its morning update on day {day} of the invasion.",
        f"Over the past day there were {n[0]} combat clashes. The enemy launched {n[1]} missile strikes and {n[2]} "
        f"air strikes, and carried out {n[3]} attacks from multiple launch rocket systems on the positions of our "
        f"troops and on populated areas.",
        f"In the {places[3]} direction the defence forces repelled {n[4]} enemy attacks in the areas of {places[4]} "
        f"and {places[5]}, where the enemy tried to improve its tactical position without success.",
        "The situation in the other directions has not changed significantly. The threat of missile and air "
        "strikes remains high throughout the territory of Ukraine.",
        f"Units of the air force, missile troops and artillery struck {n[5]} areas where enemy personnel, weapons "
        f"and military equipment were concentrated.",
    ])


def corpus_pairs(seed: int, n: int, keep: float = 1.0) -> list[tuple[str, str, bool]]:
    """`n` (earlier, later, is_duplicate) pairs: republications, and same-event reports by two reporters.

    Even pairs are republications (`republish` with 5% of words changed, `keep` of the paragraphs);
    odd pairs are the same event written by reporters of opposite styles: same names, figures and
    official quote, different wording.
    """
    rng = random.Random(seed)
    out: list[tuple[str, str, bool]] = []
    for i in range(n):
        e = make_event(rng)
        style = rng.randrange(2)
        original = write_article(Voice(rng.randrange(1 << 30), style), e)
        if i % 2 == 0:
            out.append((original, republish(rng, original, e, keep=keep), True))
        else:
            out.append((original, write_article(Voice(rng.randrange(1 << 30), 1 - style), e), False))
    return out
