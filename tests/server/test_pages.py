"""The minimal web app: home page, case pages, errors."""

from __future__ import annotations

from edkg.server import create_app


def test_home_says_what_the_dataset_holds_and_links_cases(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>113</strong> victims" in page
    assert "<strong>66</strong> cases" in page
    assert page.count('href="/id/case/C') == 66


def test_case_page_shows_victims_and_timeline(client):
    page = client.get("/id/case/C001").get_data(as_text=True)
    assert "Case C001" in page
    assert "Timeline" in page and "Arrest" in page


def test_unknown_case_is_404(client):
    assert client.get("/id/case/C999").status_code == 404
    assert client.get("/id/case/..%2Fetc").status_code == 404


def test_missing_store_is_503_with_a_message(tmp_path):
    app = create_app({"TESTING": True, "STORE": str(tmp_path / "none")})
    response = app.test_client().get("/")
    assert response.status_code == 503
    assert "edkg build" in response.get_data(as_text=True)


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EDKG_STORE", str(tmp_path / "from-env"))
    assert create_app().config["STORE"] == str(tmp_path / "from-env")
