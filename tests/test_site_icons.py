"""A favicon on every page (no 404) and a web app manifest so the site can be pinned on a phone."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_favicon_is_served_at_the_root_without_signing_in(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_name_the_icon_and_the_manifest(client, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert '<link rel="manifest" href="/static/site.webmanifest">' in html
    assert '<meta name="theme-color" content="#9b1c1c">' in html


def test_manifest_has_name_icons_and_colours():
    with open(finders.find("site.webmanifest"), encoding="utf-8") as file:
        manifest = json.load(file)
    assert manifest["name"] == "Theo dõi nhiệm vụ"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"])
        assert path, icon["src"]
        with open(path, "rb") as file:
            head = file.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width = int.from_bytes(head[16:20], "big")
        assert f"{width}x{width}" == icon["sizes"]
