import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from exonumbers.models import ExoPhone, Flow
from lib.roles import Role, role_of


def test_it_loads_the_demo_people_numbers_and_flows_once(db, settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    assert ExoPhone.objects.count() == 2
    assert Flow.objects.count() == 2
    assert role_of(User.objects.get(username="agent")) is Role.AGENT
    assert role_of(User.objects.get(username="manager")) is Role.MANAGER
    assert role_of(User.objects.get(username="admin")) is Role.ADMIN
    assert User.objects.get(username="agent").agent_profile.phone_number == "+919845012301"
    assert "manager / manager-demo-pass" in capsys.readouterr().out


def test_it_keeps_what_an_admin_changed(db, settings):
    settings.DEBUG = True
    call_command("load_demo")
    ExoPhone.objects.filter(number="+918030752400").update(friendly_name="Renamed")
    call_command("load_demo")
    assert ExoPhone.objects.get(number="+918030752400").friendly_name == "Renamed"


def test_it_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not User.objects.exists()
