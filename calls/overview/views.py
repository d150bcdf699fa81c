from django.shortcuts import render

from calls.selectors import calls_visible_to
from lib.roles import is_manager, role_required

from .analytics import overview
from .charts import day_bars
from .forms import PeriodForm, presets


@role_required
def home(request):
    """Managers get the overview of a period; agents their latest calls."""
    calls = calls_visible_to(request.user)
    if not is_manager(request.user):
        return render(request, "calls/home.html", {"recent_calls": calls[:20]})
    form = PeriodForm(request.GET)
    context = {"form": form, "presets": presets(form.today)}
    if form.is_valid():
        figures = overview(calls, form.period)
        context |= figures | {"chart": day_bars(figures["per_day"])}
    return render(request, "calls/overview.html", context)
