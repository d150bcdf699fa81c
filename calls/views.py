from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.roles import role_required

from .selectors import calls_visible_to


@login_required
@role_required
def home(request):
    recent = calls_visible_to(request.user)[:20]
    return render(request, "calls/home.html", {"recent_calls": recent})
