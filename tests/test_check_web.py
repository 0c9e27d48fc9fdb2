"""The web page's "Check my answer" (issue 19): the same verdict as ``pyseg check``, the upload
capped like the form and never written to disk, bad files a readable message on the page.

The answers come from scikit-learn directly; the browser test uploads one in a real headless
Chromium as ``tests/test_web_form_browser.py`` drives the form.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.r

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="module")
def model(mall_like_csv: Path):
    from pyseg._data import load_dataset
    from pyseg._model import SegmentModel

    return SegmentModel().fit(load_dataset(mall_like_csv))


@pytest.fixture(scope="module")
def client(model):
    from pyseg._web import create_app

    return create_app(model).test_client()


@pytest.fixture(scope="module")
def answers(mall_like_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Answers made with scikit-learn directly: the course's and a single start's."""
    from sklearn.cluster import KMeans

    table = pd.read_csv(mall_like_csv, dtype={"CustomerID": str})
    X = table.iloc[:, [3, 4]].values
    course = KMeans(n_clusters=5, n_init=10, random_state=42).fit(X)
    single = KMeans(n_clusters=5, init="random", n_init=1, random_state=0).fit(X)
    shuffled = np.random.default_rng(2).permutation(len(table))
    match = pd.DataFrame({"CustomerID": table["CustomerID"], "cluster": course.labels_ + 1})
    return {"match.csv": match.iloc[shuffled].to_csv(index=False).encode(),
            "single.csv": pd.Series(single.labels_).to_csv().encode()}


def _upload(client, name: str, data: bytes):
    return client.post("/check", data={"answer": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _text(html: str, element: str) -> str:
    found = re.search(rf'id="{element}"[^>]*>(.*?)</', html, re.S)
    assert found, html
    return found.group(1).replace("&#39;", "'").strip()


def test_the_page_shows_the_same_verdict_as_pyseg_check(client, answers, mall_like_csv,
                                                        tmp_path: Path) -> None:
    from pyseg import check

    assert 'href="/check"' in client.get("/").text
    assert client.get("/check").status_code == 200
    for name, data in answers.items():
        page = _upload(client, name, data)
        assert page.status_code == 200
        (tmp_path / name).write_bytes(data)
        assert _text(page.text, "verdict") == check(tmp_path / name, mall_like_csv).verdict()
    assert "R: use" not in page.text and "n_init=10" in page.text  # Python advice, 0-based


def test_bad_files_are_a_message_on_the_page(client, answers) -> None:
    page = _upload(client, "km.rds", b"X\n\x00\x00\x00\x03")
    assert page.status_code == 400
    assert "pickle or R .rds" in _text(page.text, "error") and 'id="verdict"' not in page.text
    page = _upload(client, "short.csv", b"0\n1\n")
    assert page.status_code == 400 and "short.csv: row 2" in page.text
    page = _upload(client, "<script>x</script>.csv", b"\x00")
    assert "<script>" not in page.text  # the name is escaped
    page = client.post("/check", data={}, content_type="multipart/form-data")
    assert page.status_code == 400 and "choose your answer file" in page.text


def test_the_upload_is_capped_and_kept_in_memory(client) -> None:
    from pyseg._web import MAX_REQUEST_BYTES, in_memory_request_class

    page = _upload(client, "big.txt", b"1\n" * MAX_REQUEST_BYTES)
    assert page.status_code == 413 and "larger than" in _text(page.text, "error")
    form = client.post("/", data={"income": "1" * MAX_REQUEST_BYTES})  # the form's own message
    assert form.status_code == 413 and "Which segment" in form.text
    stream = in_memory_request_class()._get_file_stream(None, 10**9, "text/csv", "a.csv")
    assert isinstance(stream, io.BytesIO)  # even a large file would not be spooled to disk


def test_a_model_without_its_data_file_says_so(course_model) -> None:
    from pyseg._web import create_app

    page = _upload(create_app(course_model).test_client(), "a.txt", b"0\n")
    assert page.status_code == 400 and "start pyseg serve with --data" in page.text


@pytest.mark.browser
def test_uploading_an_answer_in_a_browser(model, answers, tmp_path: Path, missing_dependency,
                                          serving) -> None:
    if not CHROMIUM.exists():
        missing_dependency(f"{CHROMIUM} not found: run `sudo apt-get install -y chromium`")
    sync_api = pytest.importorskip("playwright.sync_api")
    single = tmp_path / "single.csv"
    single.write_bytes(answers["single.csv"])
    with serving(model) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        with page.expect_navigation():
            page.click("#check-link")
        page.set_input_files("#answer", str(single))
        with page.expect_navigation():
            page.click("#check")
        assert page.inner_text("#verdict").startswith("local-optimum:")
        assert "n_init=10" in page.inner_text("#advice")
        page.set_input_files("#answer", {"name": "bad.pkl", "mimeType": "text/plain",
                                         "buffer": b"\x80\x04"})
        with page.expect_navigation():
            page.click("#check")
        assert "never loads" in page.inner_text("#error")
        browser.close()
