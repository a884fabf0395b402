"""Headless Chromium driven through chromedriver (selenium), for the tests of the html report.

The browser is Debian's ``chromium`` with its ``chromium-driver`` (``.ci/run`` installs both).
Outside CI a machine without them skips the browser tests; in CI (``CI=true``) a missing browser,
driver or selenium fails them instead, so that they can never be skipped there unnoticed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

#: Flags for a browser on a machine without network, as root, and with nothing of its own to fetch.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,1800")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI must run the browser tests (apt-get install chromium chromium-driver)")
    pytest.skip(reason)


def _executable(*names: str) -> str | None:
    return next((found for name in names if (found := shutil.which(name))), None)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A selenium driver on a fresh headless Chromium with its own, temporary profile."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    browser = _executable("chromium", "chromium-browser")
    driver_path = _executable("chromedriver")
    if browser is None or driver_path is None:
        _unavailable("chromium and chromedriver are not installed")
    profile = tempfile.mkdtemp(prefix="autofix-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_until(driver: Any, condition: str, timeout: float = 60) -> Any:
    """Wait until the JavaScript expression ``condition`` is truthy in the page; return its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(f"return {condition};"))
