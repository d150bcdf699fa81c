"""A query that is the same on every page, its SQL built once a process."""

from django.db import connections


class Precompiled:
    """The rows of `queryset()` as tuples of `fields`, its SQL built at the first use in each process.

    For the short lists a page shows whole (the call log's agents, flows and campaigns), Django building
    the SQL cost more than PostgreSQL running it: the agents' query, with its two joins on their groups, was
    most of the filter form's time at a million calls (bench/call_log.py).
    """

    def __init__(self, queryset, *fields):
        self.queryset, self.fields = queryset, fields
        self.statements = {}  # by database alias: (sql, params)

    def rows(self, using="default"):
        if using not in self.statements:
            query = self.queryset().values_list(*self.fields).query
            self.statements[using] = self.statement(*query.get_compiler(using).as_sql())
        sql, params = self.statements[using]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def statement(self, sql, params):
        return sql, params


class PrecompiledCount(Precompiled):
    """How many rows `queryset()` has (the navigation's count of customers waiting, on every page)."""

    def __init__(self, queryset):
        super().__init__(lambda: queryset().order_by(), "pk")  # a count needs no order

    def statement(self, sql, params):
        return f"SELECT COUNT(*) FROM ({sql}) counted", params  # noqa: S608 - Django's SQL, values in params

    def count(self, using="default"):
        return self.rows(using)[0][0]
