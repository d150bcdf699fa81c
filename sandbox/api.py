"""The Exotel API under /v1/Accounts/<sid>/: authentication, rate limit, routing and the four resources."""

import base64
import binascii
import hmac
import re

from sandbox import bulk, clock, connect
from sandbox.errors import ApiError
from sandbox.forms import parse_body, whole_number
from sandbox.messages import Request, Response
from sandbox.metadata import number_metadata
from sandbox.phones import InvalidNumber, to_e164
from sandbox.render import call_resource, respond, rest_exception

ACCOUNT_PATH = re.compile(r"/v1/Accounts/(?P<account>[^/]+)/(?P<resource>.+)")


def handle(app, request: Request) -> Response:
    # XML is v1's default; a path outside v1 (nothing the sandbox serves) is not v1, so it gets JSON.
    fmt = "json" if request.path.endswith(".json") or not request.path.startswith("/v1/") else "xml"
    try:
        response = _dispatch(app, request, fmt)
    except ApiError as error:
        response = rest_exception(error.status, error.message, fmt, error.headers)
    log_request(app, request, response)
    return response


def log_request(app, request: Request, response: Response) -> None:
    """Log a request for GET /_sandbox/requests (API and recording requests; inspection ones are not)."""
    now = clock.now()
    app.state.log_request(
        {
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "form": request.form,
            "status": response.status,
            "time": clock.stamp(clock.ist(now)),
            "epoch": now,
        }
    )


def _dispatch(app, request: Request, fmt: str) -> Response:
    _authenticate(request, app.config)  # first, as for any path: a 404 would tell a stranger what exists
    match = ACCOUNT_PATH.fullmatch(request.path)
    if not match:
        raise ApiError(404, f"The requested resource {request.path} was not found")
    if match["account"] != app.config.sid:
        # Valid credentials for another account: Exotel's docs allow 403 or 404; we don't reveal it exists.
        raise ApiError(404, f"The requested resource {request.path} was not found")
    retry_after = app.state.retry_after(match["account"])
    if retry_after is not None:
        message = f"Too Many Requests: the API allows {app.config.rate_limit} requests per minute"
        raise ApiError(429, message, {"Retry-After": str(retry_after)})
    if request.method == "POST":
        request.form = parse_body(request.headers.get("content-type", ""), request.body)
    resource = match["resource"].removesuffix(".json")
    for pattern, handlers in ROUTES:
        route = re.fullmatch(pattern, resource)
        if route:
            if request.method not in handlers:
                allowed = ", ".join(handlers)
                raise ApiError(405, f"Method {request.method} is not allowed here", {"Allow": allowed})
            return handlers[request.method](app, request, fmt, **route.groupdict())
    raise ApiError(404, f"The requested resource {request.path} was not found")


def _authenticate(request: Request, config) -> None:
    if not authenticated(request, config):
        raise unauthorized()


def authenticated(request: Request, config) -> bool:
    """Whether the request carries the account's API key and token as HTTP Basic auth."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    try:
        key, _, token = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        key = token = ""
    return (
        scheme.lower() == "basic"
        and hmac.compare_digest(key.encode(), config.api_key.encode())
        and hmac.compare_digest(token.encode(), config.api_token.encode())
    )


def unauthorized() -> ApiError:
    message = "Authentication failed: use HTTP Basic auth with your API key and token"
    return ApiError(401, message, {"WWW-Authenticate": 'Basic realm="Exotel API"'})


def connect_call(app, request: Request, fmt: str) -> Response:
    call, scenario = connect.place(request.form, app.config)
    app.add_call(call)
    if scenario.slow_connect:
        app.stopping.wait(app.config.slow_connect_delay)
    resource = call_resource(call, call.anchor)
    resource["Status"] = "in-progress"  # what Exotel answers once the first leg is handed to the operator
    return respond({"Call": resource}, fmt)


def call_details(app, request: Request, fmt: str, sid: str) -> Response:
    validity = _link_validity(request.query)
    call = app.state.call(sid)
    if call is None:
        raise ApiError(404, f"Call {sid} was not found")
    details = request.query.get("details", "").lower() == "true"
    return respond({"Call": call_resource(call, clock.now(), details=details, link_validity=validity)}, fmt)


def list_calls(app, request: Request, fmt: str) -> Response:
    validity = _link_validity(request.query)
    now = clock.now()
    query = bulk.parse_query(request.query, now)
    page = bulk.select(app.state.placed_calls(), query, now, history=app.state.history)
    return respond(
        {
            "Metadata": bulk.metadata(page, query, request.path, request.query),
            "Calls": [call_resource(call, now, link_validity=validity) for call in page.rows],
        },
        fmt,
    )


def number_details(app, request: Request, fmt: str, number: str) -> Response:
    try:
        e164 = to_e164(number)
    except InvalidNumber as exc:
        raise ApiError(400, f"Invalid phone number: {exc}") from None
    return respond({"Numbers": number_metadata(e164)}, fmt)


def _link_validity(query: dict[str, str]) -> int | None:
    text = query.get("RecordingUrlValidity")
    if text is None:
        return None
    if whole_number(text) not in range(5, 61):
        raise ApiError(400, "RecordingUrlValidity must be a whole number of minutes between 5 and 60")
    return whole_number(text)


# Matched in order against the path after /v1/Accounts/<sid>/, without a trailing .json.
ROUTES = (
    (r"Calls/connect", {"POST": connect_call}),
    (r"Calls", {"GET": list_calls}),
    (r"Calls/(?P<sid>[^/]+)", {"GET": call_details}),
    (r"Numbers/(?P<number>[^/]+)", {"GET": number_details}),
)
