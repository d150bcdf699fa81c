import pytest
from django.contrib.auth.models import Group, User

from accounts.models import AgentProfile


def user_form(**extra):
    data = {
        "username": "kiran",
        "first_name": "Kiran",
        "last_name": "Das",
        "email": "kiran@example.in",
        "is_active": "on",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "10:00:00",
        "agent_profile-TOTAL_FORMS": "1",
        "agent_profile-INITIAL_FORMS": "0",
        "agent_profile-MIN_NUM_FORMS": "0",
        "agent_profile-MAX_NUM_FORMS": "1",
        "agent_profile-0-phone_number": "98450 12399",
        "agent_profile-0-time_zone": "",
    }
    data.update(extra)
    return data


def test_an_admin_gives_a_user_a_role_and_an_agent_phone(client, admin, exophone):
    kiran = User.objects.create_user("kiran")
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{kiran.pk}/change/",
        user_form(
            groups=[Group.objects.get(name="Agent").pk], **{"agent_profile-0-default_exophone": exophone.pk}
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    kiran.refresh_from_db()
    assert kiran.groups.get().name == "Agent"
    assert kiran.agent_profile.phone_number == "+919845012399"
    assert kiran.agent_profile.default_exophone == exophone


def test_the_people_list_shows_roles_and_phones(client, admin, agent):
    client.force_login(admin)
    html = client.get("/admin/auth/user/").content.decode()
    assert "+919845012301" in html
    assert "Agent" in html


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("123", "This number does not exist"),
        ("98450abc99", "This is not a phone number. Use digits 0-9, spaces and + - ( ) . only."),
    ],
)
def test_a_bad_agent_phone_gets_a_field_error_and_saves_nothing(client, admin, number, message):
    kiran = User.objects.create_user("kiran")
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{kiran.pk}/change/", user_form(**{"agent_profile-0-phone_number": number})
    )
    assert response.status_code == 200
    [error] = response.context["inline_admin_formsets"][0].formset.errors[0]["phone_number"]
    assert error.startswith(message)
    assert not AgentProfile.objects.filter(user=kiran).exists()


def test_an_agent_phone_in_a_long_common_form_is_stored_in_e164(client, admin):
    kiran = User.objects.create_user("kiran")
    client.force_login(admin)
    response = client.post(
        f"/admin/auth/user/{kiran.pk}/change/",
        user_form(**{"agent_profile-0-phone_number": "+91 (0) 98450 12399"}),
    )
    assert response.status_code == 302
    assert AgentProfile.objects.get(user=kiran).phone_number == "+919845012399"


def test_the_agent_phone_says_what_it_accepts(client, admin, agent):
    client.force_login(admin)
    page = client.get(f"/admin/auth/user/{agent.pk}/change/").content.decode()
    assert "Exotel rings this phone first. Digits 0-9, spaces and + - ( ) . only, e.g. 98450 12301." in page
