"""The quickest check that the app is up: /healthz answers, and a new user sees the empty feed."""


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.get_json() == {"database": "ok", "storage": "ok"}


def test_register_and_feed(logged_in):
    r = logged_in.get("/")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Your home feed is empty" in html and 'href="/explore"' in html
