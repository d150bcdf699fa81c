from django.utils.functional import SimpleLazyObject

from lib.precompiled import PrecompiledCount
from lib.roles import role_of

from .models import MissedCustomer


def missed_calls(request):
    """How many customers wait for a call back, for the navigation: counted only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or role_of(user) is None:
        return {}
    return {"missed_waiting": SimpleLazyObject(WAITING.count)}


WAITING = PrecompiledCount(lambda: MissedCustomer.objects.filter(state=MissedCustomer.State.WAITING))
