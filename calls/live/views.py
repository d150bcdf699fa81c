"""PLACEHOLDER: helper A builds the wallboard here."""

from django.http import Http404

from lib.roles import manager_required, role_required


@manager_required
def wallboard(request):
    raise Http404


@manager_required
def board(request):
    raise Http404


@role_required
def my_live_call(request):
    raise Http404
