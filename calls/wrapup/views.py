"""Writing a call's wrap-up from its page: saved, or the page again with the form's errors."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import audit_object
from calls.selectors import calls_visible_to
from lib.roles import role_required

from .forms import WrapUpForm
from .panel import current_wrap_up, wrap_up_panel
from .services import Outcome, StaleWrapUp, wrap_up_write


@role_required
@require_POST
def wrap_up(request, call_id, call_page):
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    form = WrapUpForm(request.POST, current=current_wrap_up(call))
    if not form.is_valid():
        return call_page(request, call, wrap_up=wrap_up_panel(request, call, form=form), status=400)
    try:
        written, outcome = wrap_up_write(
            call=call, by=request.user, contents=form.contents(), seen_version=form.cleaned_data["version"]
        )
    except StaleWrapUp as stale:
        form.show_version(stale.current.version)
        form.add_error(None, conflict_message(stale.current))
        panel = wrap_up_panel(request, call, form=form, conflict=True)
        return call_page(request, call, wrap_up=panel, status=409)
    if outcome is Outcome.UNCHANGED:
        messages.info(request, "The wrap-up already says this: nothing changed.")
    else:
        action = Action.WRAP_UP_WRITTEN if outcome is Outcome.WRITTEN else Action.WRAP_UP_EDITED
        audit_object(request=request, action=action, obj=written, details=audit_details(written))
        kept = " The earlier version is kept." if outcome is Outcome.EDITED else ""
        messages.success(request, f"Wrap-up saved.{kept}")
    return redirect("call-detail", call_id=call.pk)


def conflict_message(current):
    who = writer_name(current)
    return (
        f"{who} saved this wrap-up while you were editing it: their version is shown above. "
        "Yours is still in the form; save it again to replace theirs, or change it first."
    )


def writer_name(wrap_up):
    person = wrap_up.written_by
    return (person.get_full_name() or person.get_username()) if person else "Someone"


def audit_details(wrap_up):
    return {
        "call": wrap_up.call_id,
        "version": wrap_up.version,
        "disposition": wrap_up.disposition.name if wrap_up.disposition else "",
        "note_characters": len(wrap_up.note),
        "follow_up_at": wrap_up.follow_up_at.isoformat() if wrap_up.follow_up_at else "",
    }
