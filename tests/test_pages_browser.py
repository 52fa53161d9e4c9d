"""The show and episode pages in a real headless Chromium (Debian's), driven by Selenium.

Two real episodes are made with the real engine: the packaged sample article
(7 chapters) and an article titled ``<script>alert(1)</script> & "quotes"``.
The pages are served by `audiobrief serve` on 127.0.0.1, opened, clicked through,
checked with axe-core, and photographed at phone and desktop widths
(``AUDIOBRIEF_SCREENSHOTS=DIR`` keeps the PNGs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace

import pytest

from browser_tools import Unavailable, browser_tools, start_chrome, stop_chrome
from conftest import run_cli

pytestmark = pytest.mark.slow

HOSTILE = '<script>alert(1)</script> & "quotes"'
FIXTURES = Path(__file__).parent / "fixtures" / "pages"
PHONE = (390, 844)
DESKTOP = (1280, 900)


@pytest.fixture(scope="module")
def tools():
    try:
        return browser_tools()
    except Unavailable as why:
        pytest.skip(f"no headless browser on this machine: {why}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An episodes folder made by `audiobrief make` from two articles."""
    out = tmp_path_factory.mktemp("site")
    run = run_cli("make", "--out", str(out))
    assert run.returncode == 0, run.stderr
    run = run_cli("make", str(FIXTURES / "hostile-title.txt"), "--out", str(out))
    assert run.returncode == 0, run.stderr
    catalog = json.loads((out / "episodes.json").read_text())
    if not any(e.get("transcripts") for e in catalog["episodes"]):
        _stand_in_transcripts(out)
    return out, json.loads((out / "episodes.json").read_text())


def _stand_in_transcripts(out: Path) -> None:
    """Until `make` writes <slug>.vtt (the transcripts work), give each episode a cue per chapter.

    The pages are then regenerated through the same write_pages the build calls.
    """
    from audiobrief.catalog import load_catalog
    from audiobrief.config import Config
    from audiobrief.publish.pages import write_pages

    def stamp(ms: int) -> str:
        h, rest = divmod(ms, 3_600_000)
        m, rest = divmod(rest, 60_000)
        return f"{h:02d}:{m:02d}:{rest // 1000:02d}.{rest % 1000:03d}"

    def escaped(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    entries = []
    for e in load_catalog(out).episodes:
        lines = ["WEBVTT", ""]
        for i, ch in enumerate(e.chapters, 1):
            lines += [str(i), f"{stamp(ch['start_ms'])} --> {stamp(ch['end_ms'])}", escaped(f"Now: {ch['title']}."), ""]
        (out / f"{e.slug}.vtt").write_text("\n".join(lines), encoding="utf-8")
        entries.append(SimpleNamespace(**{**asdict(e), "chapters_file": None,
                                          "transcripts": ({"file": f"{e.slug}.vtt", "type": "text/vtt"},)}))
    catalog = SimpleNamespace(newest_first=lambda: sorted(entries, key=lambda e: (e.pub_date, e.number), reverse=True))
    write_pages(Config(), catalog, out, "cover.png")


@pytest.fixture(scope="module")
def server(site):
    """`audiobrief serve` on 127.0.0.1, on a free port."""
    out, _ = site
    proc = subprocess.Popen([sys.executable, "-m", "audiobrief", "serve", str(out), "--port", "0", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        port = re.search(r"port (\d+)", line)
        assert port, (line, proc.stderr.read() if proc.poll() is not None else "")
        yield f"http://127.0.0.1:{port.group(1)}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tools):
    driver = start_chrome(tools, *DESKTOP)
    yield driver
    stop_chrome(driver)


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    keep = os.environ.get("AUDIOBRIEF_SCREENSHOTS")
    folder = Path(keep) if keep else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _wait(driver, script: str, timeout: float = 20, what: str = ""):
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what or script}")
        time.sleep(0.1)


def _no_alert(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        alert = driver.switch_to.alert
    except NoAlertPresentException:
        return
    text = alert.text
    alert.dismiss()
    pytest.fail(f"a script from the article ran: alert({text!r})")


def _axe(driver, tools) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    driver.execute_script(tools.axe_js.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done(String(e)));")
    assert isinstance(result, list), result
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["html"][:120] for n in v["nodes"]][:3]}
            for v in result if v["impact"] in ("serious", "critical")]


def _screenshot(driver, path: Path, width: int, height: int) -> None:
    """The whole page at this width, through the DevTools protocol."""
    driver.set_window_size(width, height)
    _wait(driver, f"return window.innerWidth <= {width}", what="the window to resize")
    full = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": full, "deviceScaleFactor": 1, "mobile": width < 600})
    try:
        data = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.set_window_size(*DESKTOP)
    import base64

    path.write_bytes(base64.b64decode(data["data"]))
    assert path.stat().st_size > 5000


def _entry(catalog: dict, title: str) -> dict:
    return next(e for e in catalog["episodes"] if e["title"] == title)


def _same_origin_only(driver, base: str) -> None:
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    outside = [u for u in urls if not u.startswith(base)]
    assert not outside, f"the page loaded resources from elsewhere: {outside}"


def test_show_and_episode_pages_in_chromium(site, server, browser, tools, shots):
    from selenium.webdriver.common.by import By

    out, catalog = site
    sample = next(e for e in catalog["episodes"] if e["title"] != HOSTILE)
    driver = browser

    # the show page, reached the way a feed reader's "website" button goes: the feed's <link>
    import feedparser

    with urllib.request.urlopen(server + "feed.xml", timeout=10) as response:
        link = feedparser.parse(response.read()).feed.link
    assert link == server  # `audiobrief serve` rewrites the feed to the address it is reached at
    driver.get(link)
    assert driver.current_url == server
    assert driver.find_element(By.ID, "show-title").text == "audiobrief"
    _no_alert(driver)
    assert driver.title == "audiobrief"
    assert driver.find_element(By.CSS_SELECTOR, "img.cover").get_property("naturalWidth") > 0
    feed = driver.find_element(By.ID, "feed-url")
    assert feed.get_attribute("value") == server + "feed.xml"  # the address it was served from
    assert driver.find_element(By.ID, "app-podcast").get_attribute("href") == "podcast://" + server.split("://")[1] + "feed.xml"
    driver.find_element(By.ID, "copy-feed").click()
    assert _wait(driver, "return document.getElementById('copy-status').textContent",
                 what="the copy button to answer").startswith("Copied")
    titles = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".episode-list h3 a")]
    newest_first = sorted(catalog["episodes"], key=lambda e: (e["pub_date"], e["number"]), reverse=True)
    assert titles == [e["title"] for e in newest_first]
    assert HOSTILE in titles  # shown as text, not run
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.execute_script("return window.__xss === undefined")
    assert _axe(driver, tools) == []
    _same_origin_only(driver, server)
    _screenshot(driver, shots / "show-desktop.png", *DESKTOP)
    _screenshot(driver, shots / "show-phone.png", *PHONE)

    # follow the link to the sample episode
    driver.find_element(By.LINK_TEXT, sample["title"]).click()
    _wait(driver, f"return location.pathname === '/{sample['slug']}.html'", what="the episode page")
    _no_alert(driver)
    duration = _wait(driver, "const a = document.getElementById('player');"
                             "return a.readyState >= 1 && isFinite(a.duration) ? a.duration : 0",
                     what="the audio's metadata")
    assert abs(duration - sample["duration"]) <= 1.0, (duration, sample["duration"])

    # the transcript track is loaded (HTMLTrackElement.LOADED == 2) and has cues
    cues = _wait(driver, "const t = document.querySelector('track');"
                         "return t && t.readyState === 2 && t.track.cues ? t.track.cues.length : 0",
                 what="the transcript track to load")
    vtt = next(t["file"] for t in (_entry(catalog, sample["title"]).get("transcripts") or
                                    [{"file": f"{sample['slug']}.vtt", "type": "text/vtt"}]) if t["type"] == "text/vtt")
    assert cues == (out / vtt).read_text().count("-->")
    assert cues == len(driver.find_elements(By.CSS_SELECTOR, ".cue"))

    # the third chapter seeks the player to its start
    third = sample["chapters"][2]
    driver.execute_script("const a = document.getElementById('player'); window.__seeked = null;"
                          "a.addEventListener('seeked', () => { window.__seeked = a.currentTime; }, {once: true});")
    link = driver.find_elements(By.CSS_SELECTOR, "a.chapter")[2]
    assert third["title"] in link.text
    link.click()
    landed = _wait(driver, "return window.__seeked", what="the player to seek")
    assert abs(landed - third["start_ms"] / 1000) <= 0.1, (landed, third)
    # while it plays, the sentence being spoken is highlighted
    current = _wait(driver, "const c = document.querySelector('.cue.current');"
                            "return c ? [parseFloat(c.dataset.start), parseFloat(c.dataset.end),"
                            " document.getElementById('player').currentTime] : null",
                    what="a highlighted transcript sentence")
    assert current[0] - 0.3 <= current[2] <= current[1] + 0.3, current
    assert "aria-current" in driver.execute_script(
        "return Array.from(document.querySelectorAll('a.chapter'))[2].getAttributeNames().join(' ')")
    driver.execute_script("document.getElementById('player').pause()")

    assert _axe(driver, tools) == []
    _same_origin_only(driver, server)
    _screenshot(driver, shots / "episode-desktop.png", *DESKTOP)
    _screenshot(driver, shots / "episode-phone.png", *PHONE)

    # the hostile title: text on its own page too, and nothing ran
    hostile = _entry(catalog, HOSTILE)
    driver.get(server + f"{hostile['slug']}.html")
    _no_alert(driver)
    assert driver.find_element(By.ID, "episode-title").text == HOSTILE
    assert driver.title.startswith(HOSTILE)
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.find_element(By.CSS_SELECTOR, ".episode-list a, .back a").text == f"All episodes of audiobrief"
    assert _axe(driver, tools) == []
    errors = [m for m in driver.get_log("browser") if m["level"] == "SEVERE" and "favicon" not in m["message"]]
    assert not errors, errors


def test_pages_work_without_javascript(site, tools, shots):
    """No script: the audio plays from the file, chapter links are media fragments, the transcript is text."""
    from selenium.webdriver.common.by import By

    out, catalog = site
    sample = next(e for e in catalog["episodes"] if e["title"] != HOSTILE)
    driver = start_chrome(tools, *PHONE)
    try:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        driver.get((out / f"{sample['slug']}.html").as_uri())  # straight from the folder, no server
        assert driver.find_element(By.ID, "player").get_attribute("src").endswith(sample["file"])
        hrefs = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a.chapter")]
        assert hrefs[2].endswith(f"{sample['file']}#t={sample['chapters'][2]['start_ms'] / 1000:.3f}")
        assert len(driver.find_elements(By.CSS_SELECTOR, ".transcript .cue")) > 0
        driver.get((out / "index.html").as_uri())
        assert not driver.find_element(By.ID, "copy-feed").is_displayed()  # proof that no script ran
        assert driver.find_element(By.ID, "feed-url").get_attribute("value") == "http://localhost:8000/feed.xml"
        assert driver.find_element(By.LINK_TEXT, sample["title"]).get_attribute("href").endswith(f"{sample['slug']}.html")
    finally:
        stop_chrome(driver)


def test_pages_work_from_the_folder_without_a_server(site, tools):
    """Opened as files (offline): the Content-Security-Policy still lets the audio, cover and script load."""
    from selenium.webdriver.common.by import By

    out, catalog = site
    sample = next(e for e in catalog["episodes"] if e["title"] != HOSTILE)
    driver = start_chrome(tools, *DESKTOP)
    try:
        driver.get((out / "index.html").as_uri())
        assert _wait(driver, "return document.querySelector('img.cover').naturalWidth", what="the cover") == 1400
        assert driver.find_element(By.ID, "copy-feed").is_displayed()  # the inline script ran
        driver.get((out / f"{sample['slug']}.html").as_uri())
        duration = _wait(driver, "const a = document.getElementById('player');"
                                 "return a.readyState >= 1 && isFinite(a.duration) ? a.duration : 0",
                         what="the audio's metadata")
        assert abs(duration - sample["duration"]) <= 1.0
        # Chromium refuses <track> from file: URLs (each file is its own origin); the highlight
        # follows the transcript text in the page, so it still works
        driver.find_elements(By.CSS_SELECTOR, "a.chapter")[2].click()
        _wait(driver, "return document.querySelector('.cue.current')", what="a highlighted sentence")
        driver.execute_script("document.getElementById('player').pause()")
        errors = [m["message"] for m in driver.get_log("browser") if m["level"] == "SEVERE"]
        assert all(".vtt from frame" in m for m in errors), errors
    finally:
        stop_chrome(driver)
