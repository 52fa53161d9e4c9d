"""Set-up for the browser tests: Debian's Chromium + chromedriver, Selenium, axe-core.

``browser_tools()`` installs what is missing (apt-get as root, npm for axe-core)
and returns where things are; it raises ``Unavailable`` with the reason when the
machine cannot have them, and the tests skip with that reason. A second run
finds everything in place and costs nothing. No browser is ever downloaded by a
driver: Selenium is pointed at /usr/bin/chromedriver and /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent / "browser"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--mute-audio", "--autoplay-policy=no-user-gesture-required")
APT_PACKAGES = ("chromium", "chromium-driver")


class Unavailable(Exception):
    pass


@dataclass(frozen=True)
class Tools:
    chromium: str
    chromedriver: str
    axe_js: Path


def _which(*names: str):
    return next((p for p in (shutil.which(n) for n in names) if p), None)


def _apt_install() -> None:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise Unavailable("Chromium/chromedriver are missing and this is not a Debian machine where the tests "
                          f"run as root; install them (apt-get install {' '.join(APT_PACKAGES)})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "--no-install-recommends", *APT_PACKAGES]
    run = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
    if run.returncode != 0:  # stale package lists: refresh once and retry
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=600)
        run = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
    if run.returncode != 0:
        raise Unavailable(f"apt-get install {' '.join(APT_PACKAGES)} failed: {run.stderr.strip()[-300:]}")


def _npm_install() -> None:
    npm = shutil.which("npm")
    if not npm:
        raise Unavailable("axe-core needs npm (apt-get install npm) to be installed into tests/browser")
    run = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0 or not AXE.is_file():
        raise Unavailable(f"npm install axe-core failed: {(run.stderr or run.stdout).strip()[-300:]}")


def browser_tools() -> Tools:
    try:
        import selenium  # noqa: F401
    except ImportError:
        raise Unavailable("selenium is not installed; install the test extra: pip install -e '.[test]'") from None
    chromium = _which("chromium", "chromium-browser")
    driver = _which("chromedriver")
    if not chromium or not driver:
        _apt_install()
        chromium, driver = _which("chromium", "chromium-browser"), _which("chromedriver")
        if not chromium or not driver:
            raise Unavailable("apt-get installed chromium but chromium/chromedriver are not on PATH")
    if not AXE.is_file():
        _npm_install()
    return Tools(chromium, driver, AXE)


def start_chrome(tools: Tools, width: int, height: int):
    """A fresh headless Chromium (its own profile folder) driven by chromedriver."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="audiobrief-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = tools.chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=tools.chromedriver), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    driver._audiobrief_profile = profile
    return driver


def stop_chrome(driver) -> None:
    profile = getattr(driver, "_audiobrief_profile", None)
    try:
        driver.quit()
    finally:
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
