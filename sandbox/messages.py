"""A request as the handlers see it, and the response they give back."""

from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str  # percent-decoded
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: bytes = b""
    form: dict[str, str | list[str]] = field(default_factory=dict)  # a `[]` name's value is a list


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
