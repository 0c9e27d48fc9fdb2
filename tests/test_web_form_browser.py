"""End to end: the web form in a real headless Chromium (Debian's ``chromium`` via Playwright).

The server runs in a thread on a free loopback port. Screenshots of the answers go to
``tests/artifacts/`` (or ``$PYSEG_ARTIFACTS``); their paths are printed (``pytest -s`` shows them).
Without /usr/bin/chromium the test is skipped, except under CI (``CI`` set), where it fails.
The segment names are checked on the course file, the refused input on ``data/mall_like_200.csv``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("PYSEG_ARTIFACTS") or Path(__file__).parent / "artifacts")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium_path(missing_dependency) -> str:
    if not CHROMIUM.exists():
        missing_dependency(f"{CHROMIUM} not found: run `sudo apt-get install -y chromium`")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright (no browsers needed)")
    return str(CHROMIUM)


@pytest.fixture(scope="module")
def course_server_url(course_model, serving):
    with serving(course_model) as url:
        yield url


@pytest.fixture(scope="module")
def server_url(mall_like_model, serving):
    with serving(mall_like_model) as url:
        yield url


@pytest.fixture(scope="module")
def page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1100, "height": 1000})
        yield context.new_page()
        context.close()
        browser.close()


def fill_and_submit(page, url, income, score):
    page.goto(url)
    page.fill("#income", income)
    page.fill("#score", score)
    with page.expect_navigation():
        page.click("#submit")


@pytest.mark.parametrize(("income", "score", "name"), [("70", "80", "Target"),
                                                       ("20", "15", "Sensible")])
def test_typing_a_customer_shows_the_segment(page, course_server_url, income, score, name):
    fill_and_submit(page, course_server_url, income, score)
    assert page.inner_text("#segment-name") == name
    assert page.inner_text("#segment-description").strip()
    assert page.input_value("#income") == income  # the form keeps what was typed
    plot_width = page.eval_on_selector("#plot", "img => img.naturalWidth")
    assert plot_width > 300, "the cluster plot did not load"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"browser-{name.lower()}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_bad_input_shows_a_message_not_an_answer(page, server_url):
    fill_and_submit(page, server_url, "-5", "50")
    assert "negative" in page.inner_text("#error")
    assert page.locator("#answer").count() == 0
    shot = ARTIFACTS / "browser-error.png"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


def _box(page, selector):
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not displayed"
    return box


@pytest.mark.parametrize("income", ["1e99", "1000", "150"])
def test_a_customer_far_outside_is_warned_and_drawn_on_the_map(page, course_server_url, income):
    # Issue 14, item 9: the star stays on the map (on its edge when off the chart), the map's
    # axes do not follow the customer, and the page warns.
    fill_and_submit(page, course_server_url, income, "50")
    assert page.inner_text("#segment-name")
    assert f"annual income {float(income):g} is outside 15..137" in page.inner_text("#warnings")
    plot, star = _box(page, "#plot"), _box(page, "#customer-star")
    assert plot["x"] <= star["x"] and star["x"] + star["width"] <= plot["x"] + plot["width"]
    assert plot["y"] <= star["y"] and star["y"] + star["height"] <= plot["y"] + plot["height"]
    label = _box(page, "#customer-marker text")
    assert plot["x"] <= label["x"] and label["x"] + label["width"] <= plot["x"] + plot["width"]
    off_chart = float(income) > 150
    assert page.locator("#off-chart-arrow").count() == int(off_chart)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"browser-outside-{income}.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")


def test_two_bad_fields_show_two_messages(page, server_url):
    # Issue 14, item 11: the form showed only the first of two errors.
    fill_and_submit(page, server_url, "-5", "500")
    assert "negative" in page.inner_text("#error-income")
    assert "outside 1..100" in page.inner_text("#error-score")
    assert page.get_attribute("#income", "aria-invalid") == "true"
    assert page.get_attribute("#score", "aria-invalid") == "true"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "browser-two-errors.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")
