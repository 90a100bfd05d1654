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
