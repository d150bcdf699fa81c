"""With DEBUG on, a crash while talking to Exotel shows a traceback page: it must not show our credentials."""

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from .factories import make_call

API_KEY = "key-7f3a9c1e5b"
API_TOKEN = "token-d41d8cd98f00b204"
SECRET_KEY = "django-secret-0c9e2a7b4f6d8e1a3c5b7d9f"
EXOTEL = "http://127.0.0.1:9"


@pytest.fixture
def debug_client(settings, agent):
    settings.DEBUG = True
    settings.SECRET_KEY = SECRET_KEY
    settings.EXOTEL_API_URL = EXOTEL
    settings.EXOTEL_API_KEY = API_KEY
    settings.EXOTEL_API_TOKEN = API_TOKEN
    cache.clear()
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    return client


@pytest.fixture
def exotel_crashes(monkeypatch):
    """Something deep in the HTTP library fails unexpectedly, while our credentials are in its arguments."""

    def crash(session, method, url, **options):
        raise RuntimeError("the HTTP library broke")

    monkeypatch.setattr(requests.Session, "request", crash)


def assert_a_debug_page_without_secrets(response):
    page = response.content.decode()
    assert response.status_code == 500
    assert "the HTTP library broke" in page and "Local vars" in page  # the technical page, with locals
    for secret in (API_KEY, API_TOKEN, SECRET_KEY):
        assert secret not in page


def test_a_crash_while_fetching_a_recording_shows_no_credentials(debug_client, agent, exotel_crashes):
    call = make_call(agent=agent, status="completed", recording_url=f"{EXOTEL}/exotelrecordings/a/b.mp3")

    response = debug_client.get(f"/calls/{call.pk}/recording/")

    assert_a_debug_page_without_secrets(response)


def test_a_crash_while_sending_an_api_request_shows_no_credentials(debug_client, exotel_crashes):
    response = debug_client.get("/calls/lookup/", {"to": "+919812345642"})

    assert_a_debug_page_without_secrets(response)
