"""POST Calls/connect: check the parameters the way Exotel documents them, then start the call."""

import re
from dataclasses import dataclass, replace
from types import MappingProxyType

from sandbox import clock
from sandbox.calls import Call, Callback, build_timeline, new_sid, price_for, recording_url
from sandbox.config import SandboxConfig
from sandbox.errors import ApiError, invalid
from sandbox.forms import Form, whole_number
from sandbox.phones import InvalidNumber, national, to_e164
from sandbox.scenarios import Scenario, scenario_for

MAX_TIME_LIMIT = 14400  # 4 hours (documented)
MAX_TIME_OUT = 60  # "mandated by TRAI" per the older docs; the newer ones state no maximum
DEFAULT_TIME_LIMIT = MAX_TIME_LIMIT
DEFAULT_TIME_OUT = 30  # undocumented; what client libraries send
EVENTS = ("answered", "terminal")
CALLBACK_CONTENT_TYPES = ("multipart/form-data", "application/json")
URL = re.compile(r"https?://[^\s/]+\S*")


@dataclass(frozen=True)
class ConnectRequest:
    from_number: str
    to_number: str | None  # None when connecting to a flow
    flow_url: str | None
    caller_id: str
    time_limit: int
    time_out: int
    record: bool
    custom_field: str | None
    callback: Callback | None

    @property
    def flow(self) -> bool:
        return self.flow_url is not None

    @property
    def customer(self) -> str:
        """Who the outcome table looks at: the number dialled to reach the customer."""
        return self.from_number if self.flow else self.to_number


def parse_connect(form: Form, config: SandboxConfig) -> ConnectRequest:
    texts = {key: value for key, value in form.items() if isinstance(value, str)}
    values = {key: value.strip() for key, value in texts.items()}
    get = values.get
    if not get("From"):
        raise invalid("No 'From' specified")
    if not get("To") and not get("Url"):
        raise invalid("No 'To' or 'Url' specified")
    if get("To") and get("Url"):
        raise invalid("Specify either 'To' (connect two numbers) or 'Url' (connect to a flow), not both")
    if not get("CallerId"):
        raise invalid("No 'CallerId' specified")
    from_number = _number(values, "From")
    to_number = _number(values, "To") if get("To") else None
    caller_id = _number(values, "CallerId")
    if caller_id not in config.exophones:
        raise invalid(f"CallerId {national(caller_id)} is not an ExoPhone of account {config.sid}")
    if get("Url"):
        _check_flow_url(get("Url"), config.sid)
    if get("CallType", "trans") == "promo":
        raise invalid("CallType 'promo' is no longer supported; only 'trans' calls can be made")
    _choice(values, "CallType", ("trans",))
    _choice(values, "Record", ("true", "false"))
    _choice(values, "RecordingChannels", ("single", "dual"))
    _choice(values, "RecordingFormat", ("mp3", "mp3-hq"))
    _choice(values, "StartPlaybackToNew", ("Callee", "Both"))
    _choice(values, "StatusCallbackContentType", CALLBACK_CONTENT_TYPES)
    for name in ("StatusCallback", "WaitUrl", "StartPlaybackValueNew"):
        if get(name) and not URL.fullmatch(get(name)):
            raise invalid(f"{name} must be an http(s) URL")
    return ConnectRequest(
        from_number=from_number,
        to_number=to_number,
        flow_url=get("Url") or None,
        caller_id=caller_id,
        time_limit=_seconds(values, "TimeLimit", MAX_TIME_LIMIT, DEFAULT_TIME_LIMIT),
        time_out=_seconds(values, "TimeOut", MAX_TIME_OUT, DEFAULT_TIME_OUT),
        record=get("Record") == "true",
        custom_field=texts.get("CustomField"),
        callback=_callback(values, _events(form)),
    )


def _number(values: dict[str, str], name: str) -> str:
    try:
        return to_e164(values[name])
    except InvalidNumber:
        raise invalid(f"'{name}' is not a valid phone number: {values[name]}") from None


def _check_flow_url(url: str, sid: str) -> None:
    current = re.fullmatch(r"https?://my\.exotel\.com/(?P<sid>[^/]+)/exoml/start_voice/\d+", url)
    legacy = re.fullmatch(r"https?://my\.exotel\.in/exoml/start/\d+", url)
    if legacy or (current and current["sid"] == sid):
        return
    raise invalid(f"Url must look like http://my.exotel.com/{sid}/exoml/start_voice/<app_id>")


def _choice(values: dict[str, str], name: str, allowed: tuple[str, ...]) -> None:
    if values.get(name) and values[name] not in allowed:
        raise invalid(f"{name} must be one of: {', '.join(allowed)}")


def _seconds(values: dict[str, str], name: str, maximum: int, default: int) -> int:
    if not values.get(name):
        return default
    text = values[name]
    if whole_number(text) not in range(1, maximum + 1):
        raise invalid(f"{name} must be a whole number of seconds between 1 and {maximum}")
    return whole_number(text)


def _events(form: Form) -> tuple[str, ...]:
    """StatusCallbackEvents however a client spells the list: [0], [1]…; [] repeated; or comma-separated."""
    events = []
    for key, value in form.items():
        if key.startswith("StatusCallbackEvents"):
            for text in [value] if isinstance(value, str) else value:
                for event in filter(None, (part.strip() for part in text.split(","))):
                    if event not in EVENTS:
                        raise invalid(f"StatusCallbackEvents must be among: {', '.join(EVENTS)}")
                    events.append(event)
    return tuple(dict.fromkeys(events))


def _callback(values: dict[str, str], events: tuple[str, ...]) -> Callback | None:
    if not values.get("StatusCallback"):
        return None
    content_type = values.get("StatusCallbackContentType") or CALLBACK_CONTENT_TYPES[0]
    return Callback(url=values["StatusCallback"], events=events, content_type=content_type)


def start_call(request: ConnectRequest, scenario: Scenario, form: Form, config: SandboxConfig) -> Call:
    """The call as it will unfold; in flow mode To shows the ExoPhone (call details of real flow calls do)."""
    timeline = build_timeline(
        scenario.fates, talk=min(scenario.talk, request.time_limit), timeout=request.time_out
    )
    sid = new_sid()
    callback = request.callback
    if callback and request.flow:
        # The flow page documents only the legacy four-field callback.
        callback = Callback(url=callback.url)
    if callback and scenario.lose_callbacks:
        callback = replace(callback, lost=True)
    anchor = clock.now()
    recorded = request.record and timeline.answered
    return Call(
        sid=sid,
        account_sid=config.sid,
        origin="flow" if request.flow else "connect",
        direction="outbound-api",
        from_number=request.from_number,
        to_number=request.caller_id if request.flow else request.to_number,
        exophone=request.caller_id,
        created=clock.ist(anchor),
        anchor=anchor,
        timeline=timeline,
        price=price_for(timeline),
        speed=config.speed,
        settle_after=config.price_delay,
        recording_url=recording_url(config.recordings_base, config.sid, sid) if recorded else None,
        custom_field=request.custom_field,
        callback=callback,
        params=MappingProxyType(dict(form)),
    )


def place(form: Form, config: SandboxConfig) -> tuple[Call, Scenario]:
    request = parse_connect(form, config)
    scenario = scenario_for(request.customer, flow=request.flow)
    if scenario.refusal:
        raise ApiError(scenario.refusal.status, scenario.refusal.message)
    return start_call(request, scenario, form, config), scenario
