"""PLACEHOLDER: helper B builds the missed-call queue here."""

from django.http import Http404

from lib.roles import manager_required, role_required


@role_required
def queue(request):
    raise Http404


@manager_required
def dismissed(request):
    raise Http404


@role_required
def claim(request, row_id):
    raise Http404


@manager_required
def dismiss(request, row_id):
    raise Http404
