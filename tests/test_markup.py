"""What independent validators check: valid attributes on every page, and a favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_sends_the_csrf_token_to_htmx_in_a_valid_attribute(client_for, staff_a):
    html = client_for(staff_a).get(reverse("home")).content.decode()
    body_tag = html[html.index("<body") : html.index(">", html.index("<body")) + 1]
    assert "data-hx-headers=" in body_tag and "X-CSRFToken" in body_tag
    assert " hx-headers=" not in html  # the W3C checker refuses the unprefixed attribute


def test_it_answers_favicon_ico_without_login_and_lets_browsers_keep_it():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert response["Location"].startswith("/static/")
    assert "max-age=86400" in response["Cache-Control"] and "public" in response["Cache-Control"]
    path = finders.find("favicon.ico")
    assert path, "static/favicon.ico is missing"
    with open(path, "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_name_the_favicon(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'rel="icon"' in html and "favicon.ico" in html
