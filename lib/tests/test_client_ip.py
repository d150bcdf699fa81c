from django.test import RequestFactory

from lib.client_ip import client_ip


def request(forwarded_for=None):
    headers = {"REMOTE_ADDR": "10.0.0.5"}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_it_ignores_x_forwarded_for(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.10")) == "10.0.0.5"


def test_it_takes_the_address_our_outermost_proxy_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request("192.0.2.99, 203.0.113.10")) == "203.0.113.10"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request("192.0.2.99, 203.0.113.10, 198.51.100.1")) == "203.0.113.10"


def test_it_falls_back_to_the_peer_when_the_header_is_missing_short_or_malformed(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request()) == "10.0.0.5"
    assert client_ip(request("203.0.113.10")) == "10.0.0.5"
    assert client_ip(request("not-an-address, 198.51.100.1")) == "10.0.0.5"
