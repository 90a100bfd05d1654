"""Find a settlement by any spelling through the gazetteer of the normalize stage (Izyum, Ізюм, Изюм → Izium)."""

from __future__ import annotations

from typing import Any, Iterable

from workers.stage3_normalize.core import find_mentions
from workers.stage3_normalize.gazetteer import Gazetteer
from workers.stage3_normalize.text import norm

MAX_QUERY_CHARS = 80


def search_settlements(gazetteer: Gazetteer, query: str, on_board: Iterable[int] = (), limit: int = 10
                       ) -> list[dict[str, Any]]:
    """Settlements named `query`: exact names in any spelling and script first (`Gazetteer.by_name`), then
    what the mention matcher makes of it (loose and fuzzy spellings), then the board's settlements whose
    display name starts with it. Those on the board come first; each result says whether it is."""
    query = query.strip()[:MAX_QUERY_CHARS]
    if not query:
        return []
    board = set(on_board)
    found: dict[int, str] = {}
    for s in gazetteer.by_name(query):
        found.setdefault(s.id, "name")
    for m in find_mentions(query, gazetteer):
        found.setdefault(m.settlement.id, "spelling")
    prefix = norm(query)
    for sid in sorted(board):
        s = gazetteer.get(sid)
        if s is not None and any(norm(n).startswith(prefix) for n in (s.name, s.name_uk or "")):
            found.setdefault(sid, "prefix")
    out = []
    for rank, (sid, how) in enumerate(found.items()):
        s = gazetteer.get(sid)
        if s is None:
            continue
        out.append((sid not in board, rank, {"id": s.id, "name": s.name, "name_uk": s.name_uk, "oblast": s.oblast,
                                             "lat": s.lat, "lon": s.lon, "population": s.population,
                                             "on_board": sid in board, "match": how}))
    return [r for _, _, r in sorted(out, key=lambda t: (t[0], t[1]))][:limit]
