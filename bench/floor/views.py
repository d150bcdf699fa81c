"""One callback's irreducible work: check the token, parse the body (multipart with flat Legs keys, or JSON
with a Legs array), store the event once by its dedupe key and move the call's row forward, in one statement.

Not the app: no state machine in Python, no blanks filled, no missed-call queue; only what the bench's
callbacks need to leave every call in its right final state.
"""

import hashlib
import json

from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound
from django.views.decorators.csrf import csrf_exempt

from calls.tracking.tokens import token_is_valid

FINAL = ("completed", "busy", "no-answer", "failed", "canceled", "not-placed", "lost")
LEG_FINAL = "('completed', 'busy', 'no-answer', 'failed', 'canceled')"


def _rank(column):
    final = ", ".join(f"'{status}'" for status in FINAL)
    return (
        f"CASE WHEN {column} IN ({final}) THEN 4 WHEN {column} = 'in-progress' THEN 3 "
        f"WHEN {column} = 'ringing' THEN 2 WHEN {column} IN ('queued', 'unknown') THEN 1 ELSE 0 END"
    )


def _leg(column, param):
    return f"{column} = CASE WHEN {param} = '' OR {column} IN {LEG_FINAL} THEN {column} ELSE {param} END"


# Built from constants only; every value is a parameter.
APPLY = f"""
WITH event AS (
    INSERT INTO calls_callevent
        (call_id, source, event_type, status, dedupe_key, raw_body, headers, parsed, verdict, note,
         received_at)
    VALUES (%(call)s, 'callback', %(event_type)s, %(status)s, %(key)s, %(body)s, '{{}}', %(parsed)s,
            'applied', '', now())
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING 1
)
UPDATE calls_call SET
    status = CASE WHEN {_rank("%(status)s")} > {_rank("status")} THEN %(status)s ELSE status END,
    status_changed_at = CASE WHEN {_rank("%(status)s")} > {_rank("status")} THEN now()
                        ELSE status_changed_at END,
    {_leg("leg1_status", "%(leg1)s")},
    {_leg("leg2_status", "%(leg2)s")},
    conversation_duration = COALESCE(%(talked)s, conversation_duration)
WHERE id = %(call)s AND sid = %(sid)s AND EXISTS (SELECT FROM event)
"""  # noqa: S608


def _fields(request):
    if request.content_type == "application/json":
        data = json.loads(request.body)
        legs = data.pop("Legs", [])
    else:
        data = request.POST.dict()
        legs = [{"Status": data.pop(f"Legs[{i}][Status]", "")} for i in range(2)]
        for key in [key for key in data if key.startswith("Legs[")]:
            data.pop(key)
    statuses = [leg.get("Status", "") for leg in legs] + ["", ""]
    return data, statuses[0], statuses[1]


@csrf_exempt
def callback(request, call_id, token):
    if request.method != "POST" or not token_is_valid(call_id, token):
        return HttpResponseNotFound("Not found", content_type="text/plain")
    body = request.body
    data, leg1, leg2 = _fields(request)
    status, event_type = data.get("Status", ""), data.get("EventType", "")
    fingerprint = hashlib.sha256(json.dumps([status, leg1, leg2, sorted(data.items())], default=str).encode())
    talked = data.get("ConversationDuration")
    params = {
        "call": call_id,
        "sid": data["CallSid"],
        "event_type": event_type,
        "status": status,
        "key": f"callback:{data['CallSid']}:{event_type or 'legacy'}:{fingerprint.hexdigest()[:40]}",
        "body": body.decode("utf-8", errors="replace"),
        "parsed": json.dumps(data),
        "leg1": leg1,
        "leg2": leg2,
        "talked": int(talked) if talked not in (None, "") else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(APPLY, params)
    return HttpResponse("OK", content_type="text/plain; charset=utf-8")
