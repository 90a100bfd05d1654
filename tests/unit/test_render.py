from workers.render import alert_block, safe


def test_safe_strips_terminal_escapes_and_bidi_controls():
    assert safe("Izium\x1b[2J\x1b]0;pwned\x07 \u202eevil") == "Izium[2J]0;pwned evil"
    assert len(safe("x" * 1000, limit=50)) == 50


def test_alert_block_shows_status_change_quote_and_source():
    alert = {"alert_id": "abc123", "settlement": {"id": 707292, "name": "Izium", "oblast": "Kharkiv"},
             "previous_status": "unknown", "new_status": "ukrainian_control", "event": "withdrawal",
             "confidence": 0.8, "emitted_at": "2026-01-01T00:00:00Z",
             "evidence": [{"article_id": "a", "source": "wire\x1b[31m", "url": None,
                           "published_at": "2022-09-10T18:00:00Z", "quote": "Russia left Izium.",
                           "attribution": "Russian defence ministry"}]}
    block = alert_block(alert)
    assert "Izium" in block and "unknown → ukrainian_control" in block
    assert "Russia left Izium." in block and "Russian defence ministry" in block
    assert "\x1b" not in block


def test_late_and_withdrawn_alerts_say_so():
    base = {"alert_id": "abc123", "settlement": {"id": 707292, "name": "Izium", "oblast": "Kharkiv"},
            "previous_status": "unknown", "new_status": "russian_control", "event": "capture", "confidence": 0.6,
            "emitted_at": "2026-01-01T00:00:00Z", "effective_at": "2022-04-01T08:00:00Z",
            "evidence": [{"article_id": "a", "source": "wire", "url": None, "published_at": "2022-04-01T08:00:00Z",
                          "quote": "Russian forces took Izium.", "attribution": None}]}
    late = alert_block({**base, "late": True})
    assert "unknown → russian_control (late)" in late and "took effect 2022-04-01T08:00:00Z" in late
    assert "(late)" not in alert_block(base)
    withdrawn = alert_block({**base, "alert_id": "w1", "retracts": "abc123",
                             "reason": "withdrawn: the report of kyiv-post published 2022-03-30T00:00:00Z changed"})
    assert "withdrawn" in withdrawn and "abc123" in withdrawn and "unknown → russian_control" in withdrawn
    assert "Russian forces took Izium." not in withdrawn
