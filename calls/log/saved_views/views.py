"""Saved views of the call log: save the current filters under a name, open them, delete them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import saved_views_of
from lib.roles import role_required

from . import services
from .forms import SavedViewForm


def _get_saved_view_for_user(user, view_id):
    """The user's own view: another user's is a 404, as if it did not exist."""
    return get_object_or_404(saved_views_of(user), pk=view_id)


@role_required
@require_GET
def saved_view_list(request):
    return render(request, "accounts/saved_views.html", {"owned_views": saved_views_of(request.user)})


@role_required
@require_POST
def saved_view_save(request):
    form = SavedViewForm(request.POST, owner=request.user)
    if not form.is_valid():
        back = reverse("call-log") + "?" + services.normalise_query(request.POST.get("query", ""))
        return render(request, "accounts/saved_view_save.html", {"form": form, "back": back})
    saved_view, created = services.saved_view_save(owner=request.user, **form.cleaned_data)
    if created:
        messages.success(request, f"Saved this view as “{saved_view.name}”: open it from Saved views.")
    else:
        messages.success(request, f"Updated the saved view “{saved_view.name}” to these filters.")
    return redirect(saved_view)


@role_required
@require_GET
def saved_view_open(request, view_id):
    return redirect(_get_saved_view_for_user(request.user, view_id))


@role_required
@require_http_methods(["GET", "POST"])
def saved_view_delete(request, view_id):
    """GET asks for confirmation (no JavaScript needed); POST deletes."""
    saved_view = _get_saved_view_for_user(request.user, view_id)
    if request.method == "POST":
        services.saved_view_delete(saved_view=saved_view)
        messages.success(request, f"Deleted the saved view “{saved_view.name}”.")
        return redirect("saved-views")
    return render(request, "accounts/saved_view_delete.html", {"saved_view": saved_view})
