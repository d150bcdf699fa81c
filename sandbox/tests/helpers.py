"""Small helpers for the sandbox's own tests: place a call, GET a resource, read XML."""

from xml.etree import ElementTree

import requests

AGENT = "+919876543210"


def customer(digits: str) -> str:
    """A customer number ending in `digits`, which pick the scenario."""
    return f"+9198123456{digits}"


def connect(sandbox, *, fmt: str = "json", timeout: float = 10, **fields) -> requests.Response:
    """POST Calls/connect with a valid two-number call; keyword fields override it (None removes one)."""
    data = {"From": AGENT, "To": customer("42"), "CallerId": sandbox.exophones[0]} | fields
    data = {name: value for name, value in data.items() if value is not None}
    suffix = ".json" if fmt == "json" else ""
    url = f"{sandbox.api_url}/Calls/connect{suffix}"
    return requests.post(url, auth=sandbox.auth, data=data, timeout=timeout)


def place(sandbox, **fields) -> str:
    """Place a call that must be accepted; return its Sid."""
    response = connect(sandbox, **fields)
    assert response.status_code == 200, response.text
    return response.json()["Call"]["Sid"]


def get(sandbox, path: str, **params) -> requests.Response:
    return requests.get(f"{sandbox.api_url}/{path}", auth=sandbox.auth, params=params, timeout=10)


def xml(response: requests.Response) -> ElementTree.Element:
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "TwilioResponse"
    return root


def rest_exception(response: requests.Response) -> tuple[int, str]:
    body = response.json()["RestException"]
    return body["Status"], body["Message"]
