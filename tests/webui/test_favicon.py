"""Every page names an icon, and /favicon.ico answers: no 404 in the browser's console."""

from __future__ import annotations


def test_favicon_ico_is_served(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data


def test_pages_link_the_icon(client):
    html = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in html
    with client.get("/static/img/favicon.svg") as icon:
        assert icon.status_code == 200
