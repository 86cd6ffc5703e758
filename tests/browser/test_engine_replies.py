"""The WebKit driver's lost replies (engines.py): a lost reply is sent again, anything else fails.

No browser is started: the WebKit engine is given a stand-in driver that answers as
WebKitWebDriver did in the two CI runs that lost a reply ("Could not parse script result")."""

from __future__ import annotations

import pytest
from engines import LOST_REPLY, LOST_REPLY_RETRIES, WebKit
from selenium.common.exceptions import WebDriverException


class Driver:
    """Answers ``execute_async_script`` from a list: an exception is raised, a string returned."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.scripts = []

    def execute_async_script(self, script):
        self.scripts.append(script)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def engine(driver: Driver) -> WebKit:
    webkit = WebKit.__new__(WebKit)  # no Xvfb, no MiniBrowser: only the reply handling is tested
    webkit.driver, webkit.lost_replies = driver, 0
    return webkit


def test_a_lost_reply_is_sent_again_and_counted():
    driver = Driver(WebDriverException(LOST_REPLY), WebDriverException(LOST_REPLY), '{"ok": 2}')
    webkit = engine(driver)
    with pytest.warns(UserWarning, match="lost a script's reply") as seen:
        assert webkit.js("() => ({ok: 1 + 1})") == {"ok": 2}
    assert webkit.lost_replies == 2 and len(seen) == 2
    assert len(driver.scripts) == 3 and len(set(driver.scripts)) == 1, "the same call is sent again"


def test_replies_lost_past_the_limit_fail():
    driver = Driver(*[WebDriverException(LOST_REPLY)] * (LOST_REPLY_RETRIES + 1))
    with pytest.warns(UserWarning), pytest.raises(WebDriverException, match=LOST_REPLY):
        engine(driver).js("() => 1")
    assert len(driver.scripts) == LOST_REPLY_RETRIES + 1


def test_any_other_driver_error_fails_at_once():
    driver = Driver(WebDriverException("no such window"), '"never read"')
    with pytest.raises(WebDriverException, match="no such window"):
        engine(driver).js("() => 1")
    assert len(driver.scripts) == 1


def test_a_rejected_promise_in_the_page_fails_with_its_reason():
    driver = Driver('{"__error": "TypeError: x is undefined"}')
    with pytest.raises(RuntimeError, match="webkit: TypeError: x is undefined"):
        engine(driver).js("() => x.y")
