"""The call log: a django-filter FilterSet feeding a django-tables2 table, scoped to what the user may see."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from accounts.roles import is_manager, manager_required, role_required

from .export import csv_rows
from .filters import CallFilter
from .selectors import calls_visible_to
from .tables import CallTable

SORT_KEYS = {"date_created", "duration", "price"}


@method_decorator(role_required, name="dispatch")
class CallLogView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = CallTable
    filterset_class = CallFilter
    paginate_by = 50
    paginator_class = LazyPaginator  # no COUNT(*) over millions of calls per page view
    template_name = "calls/log.html"

    def get_queryset(self):
        return calls_visible_to(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"show_agent": is_manager(self.request.user)}

    def get_table_kwargs(self):
        return {"exclude": () if is_manager(self.request.user) else ("agent",)}

    def get_table_pagination(self, table):
        return super().get_table_pagination(table) | {"paginator_class": self.paginator_class}

    def query_errors(self):
        """Sorting and paging are the table's, not the filter form's; their bad values get words too."""
        errors = []
        sort = self.request.GET.get("sort", "")
        if sort and sort.lstrip("-") not in SORT_KEYS:
            errors.append(f"Cannot sort by {sort[:40]!r}: choose date, duration or price.")
        page = self.request.GET.get("page", "")
        if page and (not page.isdigit() or int(page) < 1):
            errors.append(f"Page {page[:20]!r} does not exist: pages are numbered from 1.")
        return errors

    def get(self, request, *args, **kwargs):
        self.errors = self.query_errors()
        if self.errors:
            request.GET = request.GET.copy()
            for name in ("sort", "page"):
                request.GET.pop(name, None)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"query_errors": self.errors}


@login_required
@manager_required
@require_GET
def export_calls(request):
    """CSV of every call the filters select. Managers only: agents do not export (see the README)."""
    filterset = CallFilter(request.GET, queryset=calls_visible_to(request.user), show_agent=True)
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.form.errors.items())
        return HttpResponseBadRequest(f"Fix the filters first: {problems}", content_type="text/plain")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_rows(filterset.qs.order_by("-date_created", "-id")), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="calls-{stamp}.csv"'
    return response
