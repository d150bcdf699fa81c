"""What every filtered, sorted, paged list here shares: bad sort and page values get words, not a 500."""

from django_tables2.paginators import LazyPaginator


class ExplainedListMixin:
    """For SingleTableMixin + FilterView lists. `sort_keys` names the columns one may sort by."""

    sort_keys: set[str] = set()
    sort_help = ""
    paginator_class = LazyPaginator  # no COUNT(*) over the whole table per page view
    # The table pages the rows; ListView must not page (and query) them a second time, nor 404 past the end.
    paginate_by = None
    table_pagination = {"per_page": 50}
    max_page = 100_000

    def query_errors(self):
        """Sorting and paging are the table's, not the filter form's; their bad values get words too."""
        errors = []
        sort = self.request.GET.get("sort", "")
        if sort and sort.removeprefix("-") not in self.sort_keys:
            errors.append(f"Cannot sort by {sort[:40]!r}: {self.sort_help}")
        page = self.request.GET.get("page", "")
        if page and not (page.isascii() and page.isdigit() and int(page) >= 1):
            errors.append(f"Page {page[:20]!r} does not exist: pages are numbered from 1.")
        elif page and int(page) > self.max_page:
            errors.append(f"Page {page[:20]} is too far to fetch: narrow the calls down with the filters.")
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
