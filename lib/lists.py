"""What every filtered, sorted, paged list here shares: bad sort and paging values get words, not a 500, and
checkbox filters."""

import django_filters
from django import forms
from django_tables2.paginators import LazyPaginator


def sort_error(sort: str, keys, help_text: str) -> str | None:
    """Words for a sort key the list does not have ("-" before a key sorts the other way)."""
    if sort and sort.removeprefix("-") not in keys:
        return f"Cannot sort by {sort[:40]!r}: {help_text}"
    return None


def count_at_most(queryset, limit: int) -> int:
    """The rows, counted no further than limit + 1 (meaning "more than limit").

    COUNT over a LIMITed subquery of the ids: PostgreSQL stops reading after limit + 1 index entries, where a
    plain COUNT(*) reads them all (0.3 s at a million calls).
    """
    return queryset.order_by().values("pk")[: limit + 1].count()


def how_many(count: int, limit: int, singular: str, plural: str) -> str:
    """ "1 call", "4,210 calls", "more than 10,000 calls": a count from count_at_most in words."""
    if count > limit:
        return f"more than {limit:,} {plural}"
    return f"{count:,} {singular if count == 1 else plural}"


def whole_number(text: str, *, at_least: int, at_most: int) -> bool:
    """Plain digits 0-9 within the bounds, judged without reading thousands of digits into an int."""
    if not (text.isascii() and text.isdigit()):
        return False
    digits = text.lstrip("0") or "0"
    return len(digits) <= len(str(at_most)) and at_least <= int(digits) <= at_most


class ExplainedListMixin:
    """For SingleTableMixin + FilterView lists. `sort_keys` names the columns one may sort by."""

    sort_keys: set[str] = set()
    sort_help = ""
    paginator_class = LazyPaginator  # no COUNT(*) over the whole table per page view
    # The table pages the rows; ListView must not page (and query) them a second time, nor 404 past the end.
    paginate_by = None
    table_pagination = {"per_page": 50}
    max_page = 100_000
    far_page_help = "narrow the calls down with the filters."
    max_per_page = 500

    def query_errors(self):
        """Sorting and paging are the table's, not the filter form's; their bad values get words too."""
        errors = []
        if problem := sort_error(self.request.GET.get("sort", ""), self.sort_keys, self.sort_help):
            errors.append(problem)
        page = self.request.GET.get("page", "")
        if page and not (page.isascii() and page.isdigit() and page.strip("0")):
            errors.append(f"Page {page[:20]!r} does not exist: pages are numbered from 1.")
        elif page and not whole_number(page, at_least=1, at_most=self.max_page):
            errors.append(f"Page {page[:20]} is too far to fetch: {self.far_page_help}")
        per_page = self.request.GET.get("per_page", "")
        if per_page and not whole_number(per_page, at_least=1, at_most=self.max_per_page):
            errors.append(
                f"Rows per page {per_page[:20]!r}: choose a whole number from 1 to {self.max_per_page}."
            )
        return errors

    def get(self, request, *args, **kwargs):
        self.errors = self.query_errors()
        if self.errors:
            request.GET = request.GET.copy()
            for name in ("sort", "page", "per_page", "cursor"):
                request.GET.pop(name, None)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"query_errors": self.errors}


class Checkboxes(forms.CheckboxSelectMultiple):
    """`status=` with nothing after it (a hand-made link) means no status was chosen, not a bad one."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-check-input"} | (attrs or {}), choices)

    def value_from_datadict(self, data, files, name):
        return [value for value in super().value_from_datadict(data, files, name) or () if value]


class CheckboxesFilter(django_filters.MultipleChoiceFilter):
    """Any of several values of one column, without django-filter's DISTINCT: such a filter joins nothing,
    and at a million calls de-duplicating cost a deep page 20 ms of its 32."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=Checkboxes, distinct=False, **kwargs)
