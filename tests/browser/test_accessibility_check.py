"""The accessibility check itself: axe-core runs on every page a browser test loads."""

from __future__ import annotations

from urllib.parse import quote

BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button></button></main></body></html>"""


def test_a_page_with_serious_violations_is_reported(page, browser_problems):
    page.goto("data:text/html," + quote(BROKEN))
    browser_problems.settle(page)  # the check runs alongside the test, on the load event
    found = list(browser_problems.messages)
    page.close()  # the final re-check of open pages would report them again
    browser_problems.messages.clear()  # this test expects them; they must not fail it
    assert any("image-alt" in message for message in found), found
    assert any("button-name" in message for message in found), found


def test_every_page_a_test_loads_is_checked(page, live_server, browser_problems):
    page.goto(live_server.url("/signup"))
    browser_problems.settle(page)
    page.goto(live_server.url("/"))
    browser_problems.settle(page)
    assert live_server.url("/signup") in browser_problems.checked
    assert live_server.url("/") in browser_problems.checked
    assert browser_problems.messages == []
