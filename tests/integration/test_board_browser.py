"""The board in a real browser (headless Chromium from Debian, driven by selenium) after
`frontwire run seeds/ --board`: markers, history on click, and a live feed that updates without reload.

Screenshots (desktop and phone sizes) go to test-artifacts/board/ (FRONTWIRE_TEST_ARTIFACTS to change).
"""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator

import pytest

from workers.settings import PROJECT_ROOT, Settings
from workers.stage0_replay.publish import replay_directory
from workers.topics import load_topics

pytestmark = pytest.mark.integration

NEW_ARTICLE = Path(__file__).resolve().parent / "board_articles"
ARTEFACTS = Path(os.environ.get("FRONTWIRE_TEST_ARTIFACTS") or PROJECT_ROOT / "test-artifacts") / "board"
COLOURS = {"ukrainian_control": "#0072b2", "russian_control": "#d55e00", "contested": "#f0e442"}
EXPECTED = {"Izium": "ukrainian_control", "Kupiansk": "contested", "Balakliia": "ukrainian_control"}


def _browser_paths() -> tuple[str, str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.skip("no headless Chromium here: the browser test needs `apt-get install chromium chromium-driver` "
                    "(.ci/run installs them)")
    import importlib.util

    if importlib.util.find_spec("selenium") is None:
        pytest.skip("selenium is not installed (pip install -e '.[test]')")
    return browser, driver


@pytest.fixture()
def driver() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, chromedriver = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,900", "--lang=en"):
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture()
def board_run(settings: Settings) -> Iterator[dict[str, str]]:
    """`frontwire run seeds/ --board --port 0` in a child process; its board URL and broker address."""
    env = {**os.environ, "FRONTWIRE_TOPIC_PREFIX": settings.topic_prefix, "FRONTWIRE_DATA_DIR": str(settings.data_dir),
           "FRONTWIRE_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "workers", "run", str(PROJECT_ROOT / "seeds"), "--board",
                             "--port", "0"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr], daemon=True)  # type: ignore[union-attr]
    reader.start()
    found: dict[str, str] = {}
    deadline = time.monotonic() + 120
    try:
        while "url" not in found:
            assert proc.poll() is None, f"frontwire run exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the board did not start"
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line.startswith("KAFKA_BOOTSTRAP_SERVERS="):
                found["bootstrap"] = line.split("=", 1)[1].strip()
            if line.startswith("board at "):
                found["url"] = line.split()[2]
        yield found
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)
        proc.stderr.close()  # type: ignore[union-attr]


def test_board_in_a_browser(driver: Any, board_run: dict[str, str], settings: Settings) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(driver, 20)
    driver.get(board_run["url"])
    wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".fw-marker")) == 3)
    markers = {m.get_attribute("data-name"): m for m in driver.find_elements(By.CSS_SELECTOR, ".fw-marker")}
    assert {name: m.get_attribute("data-status") for name, m in markers.items()} == EXPECTED
    for name, m in markers.items():
        assert m.find_element(By.CSS_SELECTOR, ".shape").get_attribute("fill") == COLOURS[EXPECTED[name]], name
        assert m.get_attribute("tabindex") == "0", "markers are reachable with the keyboard"

    markers["Izium"].click()
    history = driver.find_element(By.ID, "history-body")
    wait.until(lambda d: "the city's mayor has announced" in history.text)
    assert "the city's mayor" in history.text and "nextbigfuture" in history.text
    driver.save_screenshot(str(ARTEFACTS / "board-desktop.png"))

    # a new article, replayed while the page is open, reaches the feed without a reload
    assert not driver.find_elements(By.CSS_SELECTOR, '#feed li.ukrainian_control[data-settlement-id="703656"]')
    driver.execute_script("window.__sameDocument = true")
    s = replace(settings, bootstrap_servers=board_run["bootstrap"])
    raw = load_topics(s.topics_file, s.topic_prefix)["raw"].name
    started = time.monotonic()
    asyncio.run(replay_directory(s, board_run["bootstrap"], raw, NEW_ARTICLE))
    item = WebDriverWait(driver, 10, poll_frequency=0.05).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, '#feed li.ukrainian_control[data-settlement-id="703656"]')))
    latency = time.monotonic() - started
    assert driver.execute_script("return window.__sameDocument === true"), "the page was reloaded"
    assert "Kupiansk" in item.text and "liberated Kupiansk" in item.text
    assert latency <= 2.0, f"the new alert reached the feed after {latency:.2f}s"
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '.fw-marker[data-name="Kupiansk"]')
               .get_attribute("data-status") == "ukrainian_control")
    print(f"new article to the page's feed: {latency:.2f}s")
    driver.save_screenshot(str(ARTEFACTS / "board-desktop-live.png"))
    driver.set_window_size(390, 844)
    time.sleep(0.5)
    driver.save_screenshot(str(ARTEFACTS / "board-phone.png"))
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390 + 1, "no sideways scroll"


def test_names_from_the_topics_are_shown_as_text(driver: Any) -> None:
    """A settlement name holding markup is shown as those characters on the map, never parsed as HTML
    (the board alone over a state, no broker)."""
    from aiohttp import web
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from workers.board.server import Hub, make_app
    from workers.board.state import BoardState

    name = '<b class="injected">Izium</b>'
    shift = {"alert_id": "ru-izium", "previous_status": "unknown", "new_status": "russian_control",
             "effective_at": "2022-04-01T08:00:00Z", "article_id": "a1"}
    state = BoardState()
    state.apply_status(b"707292", {"settlement": {"id": 707292, "name": name, "oblast": "Kharkiv", "lat": 49.21,
                                                  "lon": 37.28},
                                   "status": "russian_control", "since": shift["effective_at"], "confidence": 0.8,
                                   "sources": ["wire"], "evidence": [], "history": [shift]})
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def serve() -> tuple[web.AppRunner, int]:
        ready = asyncio.Event()
        ready.set()

        async def search(query: str) -> list[dict[str, Any]]:
            return []

        runner = web.AppRunner(make_app(state, Hub(), ready, search), shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    runner, port = asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        wait = WebDriverWait(driver, 20)
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
        label = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".fw-label"))
        assert label.text == name
        assert not driver.find_elements(By.CSS_SELECTOR, ".injected")
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
