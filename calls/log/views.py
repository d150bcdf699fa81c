"""The call log: a django-filter FilterSet feeding a django-tables2 table, scoped to what the user may see."""

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from audit.models import Action
from audit.services import audit_record
from calls.selectors import calls_visible_to
from lib.lists import ExplainedListMixin, count_for_at_most, how_many
from lib.roles import is_manager, manager_required, role_required

from .active_filters import active_filters, clear_all_url
from .cursors import read_cursor
from .export import csv_rows
from .filter_form import fields_html
from .filters import CallFilter
from .paging import PAGES_BY_NUMBER, Pager
from .presets import presets
from .sorts import SORT_HELP, SORT_KEYS, LogSort
from .tables import CallTable

COUNT_LIMIT = 10_000  # exact up to here; "more than 10,000" beyond
# Counting stops after this, saying how many it had found ("at least 1,250 calls"): where no index fits the
# filters it read 21-112 ms of a 50 ms page at a million calls (bench/call_log.py).
COUNT_SECONDS = 0.010


@method_decorator(role_required, name="dispatch")
class CallLogView(ExplainedListMixin, SingleTableMixin, FilterView):
    table_class = CallTable
    filterset_class = CallFilter
    template_name = "calls/log.html"
    sort_keys = SORT_KEYS
    sort_help = SORT_HELP
    max_page = PAGES_BY_NUMBER
    far_page_help = f"pages 1 to {PAGES_BY_NUMBER} open by number, and Next goes on from there."

    def get_queryset(self):
        return calls_visible_to(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"show_agent": is_manager(self.request.user)}

    def get_table_kwargs(self):
        return {"exclude": () if is_manager(self.request.user) else ("agent",)}

    def get_table(self, **kwargs):
        """The table sorted as asked, and the page of it that the page number or the cursor names."""
        table = self.get_table_class()(data=self.object_list, **kwargs)
        RequestConfig(self.request, paginate=False).configure(table)
        self.count = (
            None
            if self.filterset.form.errors
            else count_for_at_most(self.object_list, COUNT_LIMIT, COUNT_SECONDS)
        )
        if not table.order_by:  # "?sort=" with nothing after it: the log's own order
            table.order_by = self.table_class.Meta.order_by
        sort = LogSort(str(table.order_by[0]))
        query = self.request.GET
        cursor, problem = read_cursor(query.getlist("cursor"), sort)
        if problem:
            self.errors.append(problem)
        calls = self.object_list.select_related(None).order_by(*sort.order_by())
        table.per_page = per_page = int(query.get("per_page") or self.table_pagination["per_page"])
        pager = Pager(
            table,
            calls,
            sort,
            per_page=per_page,
            count=self.count and self.count.rows,
            query=query,
            path=self.request.path,
        )
        table.page = pager.page(int(query.get("page") or 1), cursor)
        return table

    def get_context_data(self, **kwargs):
        """The count of what the filters select: the page's only count."""
        context = super().get_context_data(**kwargs)
        if self.count is not None:
            context["result_count"] = how_many(self.count, COUNT_LIMIT, "call", "calls")
        query, path = self.request.GET, self.request.path
        chips = active_filters(self.filterset, query, path)
        return context | {
            "active_filters": chips,
            "clear_all_url": clear_all_url(query, path),
            "presets": presets(query, path),
            "filter_fields": fields_html(self.filterset.form),
            # Folded away until used: the 17 fields pushed the rows below the fold at 768 px.
            "filters_open": bool(chips or self.filterset.form.errors or self.errors),
        }


@manager_required
@require_GET
def export_calls(request):
    """CSV of every call the filters select. Managers only: agents do not export (see the README)."""
    filterset = CallFilter(request.GET, queryset=calls_visible_to(request.user), show_agent=True)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "Nothing was exported. Fix the filters first:\n" + "\n".join(filter_problems(filterset.form)),
            content_type="text/plain; charset=utf-8",
        )
    filters = {
        name: values if len(values) > 1 else values[0] for name, values in request.GET.lists() if any(values)
    }
    audit_record(
        request=request, action=Action.CALLS_EXPORTED, target_type="call log", details={"filters": filters}
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_rows(
            filterset.qs.order_by("-date_created", "-id"), site=f"{request.scheme}://{request.get_host()}"
        ),
        content_type="text/csv",
    )
    response["Content-Disposition"] = f'attachment; filename="calls-{stamp}.csv"'
    return response


def filter_problems(form):
    """As the log page lists them: the field's label, then what is wrong with it."""
    return [
        f"{form.fields[name].label}: {error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    ]
