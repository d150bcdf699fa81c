"""A precompiled query builds its SQL once, then reads the table as it is at each use."""

import pytest
from django.contrib.auth.models import Group

from lib.precompiled import Precompiled, PrecompiledCount

pytestmark = pytest.mark.django_db


def test_the_rows_are_read_afresh_each_time_with_the_querysets_own_filter_and_order():
    teams = Group.objects.filter(name__startswith="Team ")
    names = Precompiled(lambda: teams.order_by("-name"), "pk", "name")
    assert names.rows() == []
    first = Group.objects.create(name="Team A")
    Group.objects.create(name="Other")
    second = Group.objects.create(name="Team B")
    assert names.rows() == [(second.pk, "Team B"), (first.pk, "Team A")]
    second.delete()
    assert names.rows() == [(first.pk, "Team A")]
    assert len(names.statements) == 1  # built once


def test_a_count_follows_the_table_too():
    teams = PrecompiledCount(lambda: Group.objects.filter(name__startswith="Team "))
    assert teams.count() == 0  # the groups the migrations made are no teams
    Group.objects.create(name="Team A")
    Group.objects.create(name="Other")
    assert teams.count() == 1
