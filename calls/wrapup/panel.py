"""The wrap-up on a call's page: what was saved, its earlier versions, and the form to write or edit it."""

from dataclasses import dataclass, field

from django.utils import timezone

from calls.models import WrapUp

from .forms import WrapUpForm


@dataclass
class WrapUpPanel:
    form: WrapUpForm
    current: WrapUp | None
    versions: list = field(default_factory=list)
    focus: bool = False  # the call's agent, just off the call: the form is what they came for
    conflict: bool = False  # the writer's save met someone else's: theirs is `current`

    @property
    def follow_up_passed(self):
        return bool(self.current and self.current.follow_up_at and self.current.follow_up_at < timezone.now())


def current_wrap_up(call):
    return WrapUp.objects.select_related("disposition", "written_by").filter(call=call).first()


def wrap_up_panel(request, call, *, form=None, conflict=False):
    current = current_wrap_up(call)
    if form is None:
        form = WrapUpForm(current=current)
    versions = list(current.versions.select_related("disposition", "written_by")) if current else []
    focus = not form.is_bound and current is None and call.is_final and call.agent_id == request.user.pk
    if focus:
        form.fields["disposition"].widget.attrs["autofocus"] = True
    return WrapUpPanel(form=form, current=current, versions=versions, focus=focus, conflict=conflict)
