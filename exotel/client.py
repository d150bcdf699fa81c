"""The Exotel v1 client: the only code in the project that speaks HTTP to Exotel.

Every request goes through `ExotelClient._send`: HTTP Basic auth, a (connect, read) timeout, the shared rate
limiter, retries where they are safe, and one typed error per outcome. A `connect` is sent again only when it
provably never reached Exotel (refused, DNS failure, connect timeout); one whose outcome is unknown never is:
dialling twice would ring a customer twice.
"""

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from ipaddress import ip_address
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
from django.views.decorators.debug import sensitive_variables
from urllib3.exceptions import NewConnectionError

from lib.phone import national, to_e164

from .values import (
    CallRecord,
    blank,
    call_record,
    exotel_number,
    format_time,
    parse_retry_after,
    parse_text,
    rest_exception_message,
)

logger = logging.getLogger(__name__)


class ExotelError(Exception):
    """Exotel did not do what we asked. The message is safe to show and store: it never holds credentials."""

    def __init__(self, message: str, *, http_status: int | None = None):
        super().__init__(message)
        self.message = message
        self.http_status = http_status


class ExotelUnreachable(ExotelError):
    """The request never reached Exotel (refused, DNS, connect timeout), or a read kept failing."""


class ExotelRateLimited(ExotelError):
    """429 even after waiting as told; `retry_after` is Exotel's last hint in seconds, if it gave one."""

    def __init__(self, message: str, *, http_status: int | None = 429, retry_after: float | None = None):
        super().__init__(message, http_status=http_status)
        self.retry_after = retry_after


class ExotelRejected(ExotelError):
    """Exotel refused the request (400, 401, 402, 403, 404, 409, …) and did nothing."""


class ExotelCouldNotOriginate(ExotelError):
    """500 or 504 on connect: Exotel found no route to start the call."""


class ExotelOutcomeUnknown(ExotelError):
    """A connect may or may not have been placed (read timeout, 502/503, a body we cannot read)."""


class ExotelServerError(ExotelError):
    """A read failed on Exotel's side (5xx, or a body we cannot read) even after retries."""


@dataclass(frozen=True)
class BulkPage:
    calls: list[CallRecord]
    next_page_uri: str | None
    prev_page_uri: str | None


@dataclass(frozen=True)
class NumberInfo:
    number: str
    circle: str
    circle_name: str
    number_type: str
    operator: str
    operator_name: str
    dnd: bool | None
    raw: dict


class ExotelClient:
    rate_limit_retries = 3
    max_retry_after = 60.0
    read_retries = 2
    unsent_retries = 3  # a POST that never reached Exotel: 1, 2 and 4 s apart
    backoff = 1.0

    # The methods that hold the API key and token are marked sensitive: with DEBUG on, a crash in one of them
    # (or in anything it calls, such as requests) shows a traceback page without their local variables.
    @sensitive_variables()
    def __init__(
        self,
        base_url: str,
        sid: str,
        api_key: str,
        api_token: str,
        *,
        timezone: str = "Asia/Kolkata",
        connect_timeout: float = 5,
        read_timeout: float = 30,
        throttle: Callable[[], None] | None = None,
        recording_hosts: Sequence[str] = (),
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.account_path = f"/v1/Accounts/{sid}"
        self.timezone = timezone
        self.timeout = (connect_timeout, read_timeout)
        self.throttle = throttle
        self.sleep = sleep
        self._secrets = (api_key, api_token)
        self._options = {"auth": self._secrets, "timeout": self.timeout, "allow_redirects": False}
        self._session = session or requests.Session()
        self.recording_hosts = tuple(host.lower() for host in recording_hosts)

    @classmethod
    @sensitive_variables()
    def from_settings(cls, **overrides) -> "ExotelClient":
        from django.conf import settings

        options = {
            "base_url": settings.EXOTEL_API_URL,
            "sid": settings.EXOTEL_SID,
            "api_key": settings.EXOTEL_API_KEY,
            "api_token": settings.EXOTEL_API_TOKEN,
            "timezone": settings.EXOTEL_TIMEZONE,
            "recording_hosts": settings.EXOTEL_RECORDING_HOSTS,
        }
        return cls(**(options | overrides))

    # The API

    def connect(
        self,
        *,
        from_number: str,
        caller_id: str,
        to: str | None = None,
        flow_url: str | None = None,
        time_limit: int | None = None,
        time_out: int | None = None,
        record: bool | None = None,
        recording_channels: str | None = None,
        recording_format: str | None = None,
        wait_url: str | None = None,
        custom_field: str | None = None,
        start_playback_to: str | None = None,
        start_playback_value: str | None = None,
        status_callback: str | None = None,
        status_callback_events: Sequence[str] = (),
        status_callback_content_type: str | None = None,
    ) -> CallRecord:
        """Place a call: `from_number` rings first, then `to` (click-to-call) or the flow at `flow_url`."""
        if (to is None) == (flow_url is None):
            raise ValueError("Give exactly one of `to` and `flow_url`.")
        fields = {
            "From": exotel_number(from_number),
            "To": exotel_number(to) if to is not None else None,
            "Url": flow_url,
            "CallerId": exotel_number(caller_id),
            "TimeLimit": time_limit,
            "TimeOut": time_out,
            "Record": record,
            "RecordingChannels": recording_channels,
            "RecordingFormat": recording_format,
            "WaitUrl": wait_url,
            "CustomField": custom_field,
            "StartPlaybackToNew": start_playback_to,
            "StartPlaybackValueNew": start_playback_value,
            "StatusCallback": status_callback,
            "StatusCallbackContentType": status_callback_content_type,
        }
        fields |= {f"StatusCallbackEvents[{i}]": event for i, event in enumerate(status_callback_events)}
        form = {name: _form_value(value) for name, value in fields.items() if value is not None}
        body = self._send("POST", self._url("Calls/connect.json"), data=form)
        return self._call_from(body, is_read=False)

    def call_details(self, sid: str) -> CallRecord:
        body = self._send("GET", self._url(f"Calls/{sid}.json"), params={"details": "true"})
        return self._call_from(body, is_read=True)

    def bulk_calls(
        self,
        *,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        sids: Sequence[str] = (),
        statuses: Sequence[str] = (),
        directions: Sequence[str] = (),
        from_numbers: Sequence[str] = (),
        to_numbers: Sequence[str] = (),
        phone_numbers: Sequence[str] = (),
        page_size: int = 100,
        start_uri: str | None = None,
    ) -> Iterator[BulkPage]:
        """Yield pages of calls, following Exotel's NextPageUri.

        `start_uri` resumes from a page URI stored earlier (a page's `next_page_uri`); it already carries
        the filters, so the other arguments are then ignored. Per the docs, calls in progress are not listed.
        """
        if start_uri:
            url, params = self._page_url(start_uri), None
        else:
            if not 1 <= page_size <= 100:
                raise ValueError("Exotel's PageSize is 1 to 100.")
            url = self._url("Calls.json")
            params = {
                "DateCreated": ";".join(
                    f"{op}:{format_time(moment, self.timezone)}"
                    for op, moment in (("gte", date_from), ("lte", date_to))
                    if moment
                ),
                "Sid": ",".join(sids),
                "Status": ",".join(statuses),
                "Direction": ",".join(directions),
                "From": ",".join(exotel_number(n) for n in from_numbers),
                "To": ",".join(exotel_number(n) for n in to_numbers),
                "PhoneNumber": ",".join(exotel_number(n) for n in phone_numbers),
                "PageSize": str(page_size),
            }
            params = {name: value for name, value in params.items() if value}
        return self._pages(url, params)

    def _pages(self, url: str | None, params: dict | None) -> Iterator[BulkPage]:
        seen = set()
        while url and url not in seen:
            seen.add(url)
            body = self._send("GET", url, params=params)
            calls = body.get("Calls")
            if not isinstance(calls, list):
                raise _unreadable("Exotel's call list had no Calls in it.", is_read=True)
            metadata = body.get("Metadata") if isinstance(body.get("Metadata"), dict) else body
            next_uri = parse_text(metadata.get("NextPageUri")) or None
            yield BulkPage(
                calls=[call_record(call, self.timezone) for call in calls if isinstance(call, dict)],
                next_page_uri=next_uri,
                prev_page_uri=parse_text(metadata.get("PrevPageUri")) or None,
            )
            url, params = (self._page_url(next_uri) if next_uri else None), None

    def number_info(self, number: str) -> NumberInfo:
        """Circle, operator and DND registration of a phone number (raises InvalidNumber for junk input)."""
        body = self._send("GET", self._url(f"Numbers/{national(to_e164(number))}.json"))
        info = body.get("Numbers")
        if not isinstance(info, dict):
            raise _unreadable("Exotel's number information had no Numbers in it.", is_read=True)
        dnd = parse_text(info.get("DND")).lower()
        return NumberInfo(
            number=exotel_number(info.get("PhoneNumber")),
            circle=parse_text(info.get("Circle")),
            circle_name=parse_text(info.get("CircleName")),
            number_type=parse_text(info.get("Type")),
            operator=parse_text(info.get("Operator")),
            operator_name=parse_text(info.get("OperatorName")),
            dnd={"yes": True, "true": True, "no": False, "false": False}.get(dnd),
            raw=info,
        )

    # Reading answers

    # Recordings

    def recording_url_allowed(self, url: str) -> bool:
        """Only https URLs on Exotel's recording hosts, or the local sandbox this client talks to."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.username or parts.password:
            return False
        if parts.scheme == "https" and any(_host_matches(host, allowed) for allowed in self.recording_hosts):
            return True
        api = urlsplit(self.base_url)
        return _is_loopback(host) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)

    @sensitive_variables()
    def open_recording(self, url: str, *, byte_range: str | None = None) -> requests.Response:
        """Start streaming a recording (200, or 206/416 for a Range); the caller must close the response.

        Credentials go only with unsigned URLs: a pre-signed link carries its own permission. Redirects are
        followed only to allowed hosts, and never with our credentials to another host.
        """
        headers = {"Range": byte_range} if byte_range else {}
        auth = None if _is_presigned(url) else self._secrets
        for _ in range(4):
            if not self.recording_url_allowed(url):
                raise ExotelRejected("The recording is not on an allowed Exotel host; it was not fetched.")
            try:
                response = self._session.get(
                    url, headers=headers, auth=auth, timeout=self.timeout, stream=True, allow_redirects=False
                )
            except requests.RequestException as exc:
                raise ExotelUnreachable("Could not fetch the recording from Exotel.") from exc
            if response.status_code in (200, 206, 416):
                return response
            response.close()
            location = response.headers.get("Location")
            if response.is_redirect and location:
                next_url = urljoin(url, location)
                if urlsplit(next_url).netloc != urlsplit(url).netloc or _is_presigned(next_url):
                    auth = None
                url = next_url
                continue
            if response.status_code == 404:
                raise ExotelRejected("Exotel has no such recording (HTTP 404).", http_status=404)
            if response.status_code < 500:
                message = f"Exotel refused to give the recording (HTTP {response.status_code})."
                raise ExotelRejected(message, http_status=response.status_code)
            raise ExotelServerError(
                f"Exotel failed to give the recording (HTTP {response.status_code}).",
                http_status=response.status_code,
            )
        raise ExotelServerError("The recording link redirected too many times.")

    def _call_from(self, body: dict, *, is_read: bool) -> CallRecord:
        call = body.get("Call")
        if not isinstance(call, dict) or blank(call.get("Sid")):
            raise _unreadable("Exotel answered without a call Sid.", is_read=is_read)
        return call_record(call, self.timezone)

    # Building requests

    def _url(self, resource: str) -> str:
        return f"{self.base_url}{self.account_path}/{resource}"

    def _page_url(self, uri: str) -> str:
        """Exotel's page URIs are paths without a host; credentials must never follow one to another host."""
        url = urlsplit(urljoin(self.base_url + "/", uri))
        base = urlsplit(self.base_url)
        if (url.scheme, url.netloc) != (base.scheme, base.netloc):
            raise _unreadable("Exotel's next page points to another host.", is_read=True)
        path = url.path if url.path.endswith(".json") else url.path + ".json"
        return urlunsplit((url.scheme, url.netloc, path, url.query, ""))

    # The one place that sends HTTP

    @sensitive_variables()
    def _send(self, method: str, url: str, *, params: dict | None = None, data: dict | None = None) -> dict:
        """Send one request (or a few, where repeating it is safe) and return the JSON body."""
        is_read = method == "GET"
        failures = waits = 0
        while True:
            if self.throttle:
                self.throttle()
            try:
                response = self._session.request(method, url, params=params, data=data, **self._options)
            except requests.RequestException as exc:
                error = self._transport_error(exc, is_read)
            else:
                if response.status_code == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if waits >= self.rate_limit_retries:
                        raise ExotelRateLimited(
                            self._reason(response) or "Exotel's rate limit is reached.",
                            retry_after=retry_after,
                        )
                    waits += 1
                    pause = min(retry_after if retry_after is not None else 2**waits, self.max_retry_after)
                    logger.info("Exotel rate limit reached; waiting %.1f s", pause)
                    self.sleep(pause)
                    continue
                error = self._answer_error(response, is_read)
                if error is None:
                    return self._json(response, is_read)
            if failures >= self._retries(error, is_read):
                raise error
            failures += 1
            logger.info("Exotel %s failed (%s); retry %d", method, error, failures)
            self.sleep(self.backoff * 2 ** (failures - 1))

    def _retries(self, error: ExotelError, is_read: bool) -> int:
        """How often a failed request may be sent again: a read while Exotel may recover; a write only when
        it never left us, since a POST that reached Exotel may have placed the call."""
        if isinstance(error, ExotelRejected):
            return 0
        if is_read:
            return self.read_retries
        return self.unsent_retries if isinstance(error, ExotelUnreachable) else 0

    def _transport_error(self, exc: requests.RequestException, is_read: bool) -> ExotelError:
        if _never_reached(exc):
            return ExotelUnreachable("Could not connect to Exotel; the request was not sent.")
        if is_read:
            return ExotelUnreachable("Exotel did not answer (a timeout or a broken connection).")
        if isinstance(exc, requests.Timeout):
            return ExotelOutcomeUnknown(
                f"Exotel did not answer within {self.timeout[1]} s; the call may have been placed."
            )
        return ExotelOutcomeUnknown("The connection to Exotel broke; the call may have been placed.")

    def _answer_error(self, response: requests.Response, is_read: bool) -> ExotelError | None:
        status = response.status_code
        if 200 <= status < 300:
            return None
        reason = self._reason(response)
        if status < 500:
            return ExotelRejected(
                reason or f"Exotel refused the request (HTTP {status}).", http_status=status
            )
        if is_read:
            return ExotelServerError(reason or f"Exotel failed (HTTP {status}).", http_status=status)
        if status in (500, 504):
            return ExotelCouldNotOriginate(
                reason or f"Exotel could not place the call (HTTP {status}).", http_status=status
            )
        return ExotelOutcomeUnknown(
            f"Exotel answered HTTP {status}; the call may have been placed. {reason}".strip(),
            http_status=status,
        )

    def _json(self, response: requests.Response, is_read: bool) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            return body
        message = f"Exotel answered HTTP {response.status_code} with a body that is not JSON."
        raise _unreadable(message, is_read=is_read, http_status=response.status_code)

    @sensitive_variables()
    def _reason(self, response: requests.Response) -> str:
        """Exotel's own words, with our credentials blanked out in case a proxy echoed them."""
        reason = rest_exception_message(response.text, response.headers.get("Content-Type"))
        for secret in self._secrets:
            if secret:
                reason = reason.replace(secret, "[hidden]")
        return reason


def _never_reached(exc: requests.RequestException) -> bool:
    """True only when the request certainly did not reach Exotel: refused, DNS failure, connect timeout.

    Anything else (a reset, a TLS error) may have happened after Exotel read the request.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _host_matches(host: str, allowed: str) -> bool:
    if allowed.startswith("*."):
        return host.endswith(allowed[1:])
    return host == allowed


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _is_presigned(url: str) -> bool:
    query = urlsplit(url).query.lower()
    return "signature=" in query


def _unreadable(message: str, *, is_read: bool, http_status: int = 200) -> ExotelError:
    if is_read:
        return ExotelServerError(message, http_status=http_status)
    return ExotelOutcomeUnknown(f"{message} The call may have been placed.", http_status=http_status)


def _form_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
