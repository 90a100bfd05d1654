"""The board's state from status and alert records, without Kafka (records checked against their schemas)."""

from __future__ import annotations

from typing import Any

import pytest

from workers.board.state import (BoardState, alerts_since, current_settlements, oblasts, settlement_detail,
                                 settlements_as_of, time_range)
from workers.schemas import validate
from workers.settings import PROJECT_ROOT

SCHEMAS = PROJECT_ROOT / "schemas"
IZIUM = {"id": 707292, "name": "Izium", "oblast": "Kharkiv", "lat": 49.21, "lon": 37.28}
KUPIANSK = {"id": 703656, "name": "Kupiansk", "oblast": "Kharkiv", "lat": 49.71, "lon": 37.62}
KHERSON = {"id": 706448, "name": "Kherson", "oblast": "Kherson", "lat": 46.64, "lon": 32.61}


def evidence(article: str, when: str, quote: str, source: str = "wire") -> dict[str, Any]:
    return {"article_id": article, "source": source, "url": f"https://example.org/{article}", "published_at": when,
            "quote": quote, "attribution": "the city's mayor"}


def alert(alert_id: str, where: dict[str, Any], prev: str, new: str, when: str, article: str, quote: str,
          emitted: str = "2026-01-01T00:00:00.500Z", **extra: Any) -> dict[str, Any]:
    message = {"alert_id": alert_id, "settlement": where, "previous_status": prev, "new_status": new,
               "event": "capture", "confidence": 0.6, "evidence": [evidence(article, when, quote)],
               "emitted_at": emitted, "effective_at": when, **extra}
    validate(SCHEMAS, "alert", message)
    return message


def status(where: dict[str, Any], shifts: list[tuple[str, str, str, str, str]], confidence: float = 0.8
           ) -> dict[str, Any]:
    """A status value whose history is (alert_id, previous, new, effective_at, article_id) shifts."""
    last = shifts[-1]
    value = {"settlement": where, "status": last[2], "since": last[3], "event": "capture", "sources": ["wire"],
             "corroboration": 1, "confidence": confidence,
             "evidence": [evidence(last[4], last[3], "the quote behind the status")], "last_alert_id": last[0],
             "updated_at": "2026-01-01T00:00:01Z", "republications": [],
             "history": [{"alert_id": a, "previous_status": p, "new_status": n, "effective_at": t, "article_id": art}
                         for a, p, n, t, art in shifts]}
    validate(SCHEMAS, "settlement_status", value)
    return value


@pytest.fixture()
def board() -> BoardState:
    state = BoardState()
    state.apply_alert(alert("ru-izium", IZIUM, "unknown", "russian_control", "2022-04-01T08:00:00Z", "a1",
                            "Russian forces took Izium.", emitted="2026-01-01T00:00:00Z"))
    state.apply_alert(alert("ua-izium", IZIUM, "russian_control", "ukrainian_control", "2022-09-10T14:00:00Z", "a2",
                            "Ukrainian forces have forced Russian soldiers to withdraw from Izium, the city's mayor "
                            "has announced.", emitted="2026-01-01T00:00:00.250Z"))
    state.apply_alert(alert("co-kup", KUPIANSK, "unknown", "contested", "2022-09-10T21:30:00Z", "a3",
                            "Ukrainian officials said troops entered Kupiansk.", emitted="2026-01-01T00:00:01Z"))
    state.apply_status(b"707292", status(IZIUM, [("ru-izium", "unknown", "russian_control", "2022-04-01T08:00:00Z", "a1"),
                                                 ("ua-izium", "russian_control", "ukrainian_control",
                                                  "2022-09-10T14:00:00Z", "a2")]))
    state.apply_status(b"703656", status(KUPIANSK, [("co-kup", "unknown", "contested", "2022-09-10T21:30:00Z", "a3")],
                                         confidence=0.6))
    return state


def test_current_settlements_filter_by_oblast_and_status(board: BoardState) -> None:
    assert [v["settlement"]["name"] for v in current_settlements(board)] == ["Izium", "Kupiansk"]
    assert [v["status"] for v in current_settlements(board, status="contested")] == ["contested"]
    assert current_settlements(board, oblast="kharkiv") == current_settlements(board)
    assert current_settlements(board, oblast="Kherson") == []
    assert oblasts(board) == ["Kharkiv"]
    assert time_range(board) == ("2022-04-01T08:00:00Z", "2022-09-10T21:30:00Z")


def test_map_as_of_a_date_uses_the_shift_in_force_then(board: BoardState) -> None:
    assert settlements_as_of(board, "2022-03-01T00:00:00Z") == []
    spring = settlements_as_of(board, "2022-05-01T00:00:00Z")
    assert [(v["settlement"]["name"], v["status"], v["alert_id"]) for v in spring] == [
        ("Izium", "russian_control", "ru-izium")]
    assert spring[0]["confidence"] == 0.6
    evening = {v["settlement"]["name"]: v["status"] for v in settlements_as_of(board, "2022-09-10T22:00:00Z")}
    assert evening == {"Izium": "ukrainian_control", "Kupiansk": "contested"}
    assert settlements_as_of(board, "2022-09-10T15:00:00Z", status="contested") == []


def test_history_joins_each_shift_with_its_alert_evidence(board: BoardState) -> None:
    detail = settlement_detail(board, 707292)
    assert detail is not None and detail["current"]["status"] == "ukrainian_control"
    assert [(h["previous_status"], h["new_status"]) for h in detail["history"]] == [
        ("unknown", "russian_control"), ("russian_control", "ukrainian_control")]
    assert "the city's mayor has announced" in detail["history"][1]["evidence"][0]["quote"]
    assert detail["withdrawn"] == []
    assert settlement_detail(board, 1) is None


def test_withdrawal_and_late_resend_are_tracked(board: BoardState) -> None:
    withdrawal = alert("w-1", IZIUM, "unknown", "russian_control", "2022-04-01T08:00:00Z", "a1",
                       "Russian forces took Izium.", retracts="ru-izium", reason="a late report changed the history")
    board.apply_alert(withdrawal)
    assert [w["retracts"] for w in settlement_detail(board, 707292)["withdrawn"]] == ["ru-izium"]
    # the same shift sent again (late) stands again and its feed entry moves to the newest place
    board.apply_alert(alert("ru-izium", IZIUM, "unknown", "russian_control", "2022-04-01T08:00:00Z", "a1",
                            "Russian forces took Izium.", late=True))
    assert settlement_detail(board, 707292)["withdrawn"] == []
    feed = alerts_since(board)
    assert [m["alert_id"] for m in feed] == ["ua-izium", "co-kup", "w-1", "ru-izium"]
    assert feed[-1]["late"] is True


def test_alerts_since_compares_times_not_strings(board: BoardState) -> None:
    # '…00:00.250Z' sorts before '…00:00Z' as a string but is later as a time
    assert [m["alert_id"] for m in alerts_since(board, "2026-01-01T00:00:00Z")] == ["ru-izium", "ua-izium", "co-kup"]
    assert [m["alert_id"] for m in alerts_since(board, "2026-01-01T00:00:00.1Z")] == ["ua-izium", "co-kup"]
    assert [m["alert_id"] for m in alerts_since(board, "2026-01-01T00:00:01+00:00")] == ["co-kup"]
    assert [m["alert_id"] for m in alerts_since(board, None, limit=1)] == ["co-kup"]


def test_tombstone_removes_and_memory_is_bounded() -> None:
    state = BoardState(max_alerts=2)
    for i in range(5):
        state.apply_alert(alert(f"a{i}", KHERSON, "unknown", "russian_control", "2022-03-02T00:00:00Z", f"x{i}",
                                "Russian forces captured Kherson."))
    assert [m["alert_id"] for m in alerts_since(state)] == ["a3", "a4"]
    assert state.alert("a0") is None and set(state.last_of) == {"a3", "a4"}
    state.apply_status(b"706448", status(KHERSON, [("a4", "unknown", "russian_control", "2022-03-02T00:00:00Z", "x4")]))
    assert len(current_settlements(state)) == 1
    state.apply_status(b"706448", None)
    assert current_settlements(state) == []
