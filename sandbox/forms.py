"""Request bodies: URL-encoded and multipart forms (as Exotel's own curl example sends), and JSON.

A form's fields are strings, except a name ending in `[]`, as many HTTP clients send a list
(`StatusCallbackEvents[]=terminal&StatusCallbackEvents[]=answered`): its value lists every value given.
"""

import json
import re
from collections.abc import Iterable
from email import policy
from email.parser import BytesParser
from urllib.parse import parse_qsl

from sandbox.errors import ApiError, invalid

type Form = dict[str, str | list[str]]

DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: str) -> int | None:
    """Plain digits 0-9 as a number, else None: a sign, a space, "²" (which int() refuses although
    str.isdigit() says yes) or "٣" (which it reads) are not what Exotel's parameters take."""
    return int(text) if DIGITS.fullmatch(text) else None


def parse_body(content_type: str, body: bytes, *, allow_json: bool = False) -> Form:
    """The fields of a request body; a body of a type Exotel doesn't read yields no fields."""
    mime = content_type.split(";")[0].strip().lower()
    if not body:
        return {}
    if mime == "application/x-www-form-urlencoded":
        return fold(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    if mime == "multipart/form-data":
        return fold(parse_multipart(content_type, body))
    if mime == "application/json" and allow_json:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(400, f"Malformed JSON body: {exc}") from exc
        if not isinstance(data, dict):
            raise ApiError(400, "The JSON body must be an object")
        return {key: "" if value is None else str(value) for key, value in data.items()}
    return {}


def fold(fields: Iterable[tuple[str, str]]) -> Form:
    """Fields by name. A name that is not a `[]` list, given twice with different values, is refused rather
    than silently cut to one: the client meant both, and which one Exotel would keep is not documented."""
    form: Form = {}
    for name, value in fields:
        if name.endswith("[]"):
            form.setdefault(name, []).append(value)
        elif form.get(name, value) != value:
            raise invalid(f"'{name}' was given more than once, with different values")
        else:
            form[name] = value
    return form


def parse_multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise ApiError(400, "Malformed multipart/form-data body")
    fields = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True) or b""
        fields.append((name, payload.decode(part.get_content_charset() or "utf-8", "replace")))
    return fields
