from django.shortcuts import render
from django.utils import timezone

from calls.models import owes_wrap_up
from calls.selectors import calls_visible_to
from lib.roles import is_manager, role_required

from .analytics import Period, overview
from .charts import day_bars
from .forms import PeriodForm, presets


@role_required
def home(request):
    """Managers get the overview of a period; agents their live call, what to wrap up, their latest calls."""
    calls = calls_visible_to(request.user)
    if not is_manager(request.user):
        return render(request, "calls/home.html", _agent_home(calls))
    form = PeriodForm(request.GET)
    context = {"form": form, "presets": presets(form.today)}
    if form.is_valid():
        if form.cleaned_data["campaign"]:
            calls = calls.filter(campaign_attempt__campaign=form.cleaned_data["campaign"])
        figures = overview(calls, form.period)
        context |= figures | {"chart": day_bars(figures["per_day"])}
    return render(request, "calls/overview.html", context)


def _agent_home(calls):
    """Today's calls that owe a wrap-up and the latest calls; the page asks for their live call itself."""
    today = timezone.localdate()
    start, end = Period(today, today).bounds()
    return {
        "to_wrap_up": calls.filter(owes_wrap_up(), date_created__gte=start, date_created__lt=end),
        "recent_calls": calls[:20],
    }
