"""Raion adjectives ("Волноваського району", "Бахмутский район") name the oblast of a raion's centre town:
they vote for that oblast when same-named villages are told apart."""

from __future__ import annotations

import re

from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.text import Token, is_cyrillic, norm

CENTRE_MIN_POPULATION = 5_000  # a raion is named after a town, never after a village
_ADJECTIVE = re.compile(r"^(?P<stem>\w{4,}?)(?:ськ|цьк|зьк|ск|цк)(?:ого|ому|ий|ім|им|ої|ій|а|е|ая|ое|ом|ой|ую)$")


def raion_oblasts(tokens: list[Token], gaz: Gazetteer) -> set[str]:
    """Admin1 codes of the centres of the raions named by an adjective before "район/района/району"."""
    codes: set[str] = set()
    for k, tok in enumerate(tokens[:-1]):
        nxt = norm(tokens[k + 1].text)
        if not nxt.startswith("район") or not tok.text[:1].isupper() or not is_cyrillic(tok.text):
            continue
        m = _ADJECTIVE.match(norm(tok.text))
        if m:
            centre = _centre(m.group("stem"), gaz)
            if centre is not None:
                codes.add(centre)
    return codes


def _centre(stem: str, gaz: Gazetteer) -> str | None:
    """The admin1 code of the largest town whose Cyrillic name starts with `stem` (Волнова → Волноваха)."""
    best = None
    for st in gaz.settlements.values():
        if st.population < CENTRE_MIN_POPULATION or st.section:
            continue
        if any(is_cyrillic(n) and norm(n).startswith(stem) for n in st.names):
            if best is None or st.population > best.population:
                best = st
    return best.admin1 if best is not None else None
