from exonumbers.models import ExoPhone, Flow


def test_an_admin_adds_an_exophone_in_any_common_form(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/numbers/exophone/add/",
        {"number": "022 6789 1234", "friendly_name": "Mumbai sales", "region": "Mumbai", "is_active": "on"},
    )
    assert response.status_code == 302
    assert ExoPhone.objects.get(friendly_name="Mumbai sales").number == "+912267891234"


def test_a_bad_exophone_number_gets_a_field_error(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/numbers/exophone/add/", {"number": "12345", "friendly_name": "Typo", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "number" in response.context["adminform"].form.errors
    assert not ExoPhone.objects.filter(friendly_name="Typo").exists()


def test_the_same_exophone_twice_is_refused(client, admin, exophone):
    client.force_login(admin)
    response = client.post(
        "/admin/numbers/exophone/add/", {"number": "08030752400", "friendly_name": "Again", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)


def test_an_admin_adds_a_flow_and_sees_its_url(client, admin, settings):
    client.force_login(admin)
    response = client.post(
        "/admin/numbers/flow/add/", {"name": "Support IVR", "app_id": " 245871 ", "is_active": "on"}
    )
    assert response.status_code == 302
    flow = Flow.objects.get(name="Support IVR")
    assert flow.app_id == "245871"
    page = client.get(f"/admin/numbers/flow/{flow.pk}/change/").content.decode()
    assert f"http://my.exotel.com/{settings.EXOTEL_SID}/exoml/start_voice/245871" in page
    assert 'name="url"' not in page


def test_an_empty_app_id_gets_a_field_error(client, admin):
    client.force_login(admin)
    response = client.post("/admin/numbers/flow/add/", {"name": "No id", "app_id": "", "is_active": "on"})
    assert response.status_code == 200
    assert "app_id" in response.context["adminform"].form.errors
    assert not Flow.objects.exists()


def test_an_app_id_with_letters_gets_a_field_error(client, admin):
    client.force_login(admin)
    response = client.post("/admin/numbers/flow/add/", {"name": "Bad", "app_id": "24x871", "is_active": "on"})
    assert response.status_code == 200
    assert "digits only" in str(response.context["adminform"].form.errors["app_id"])


def test_the_lists_search_and_filter(client, admin, exophone, flow):
    client.force_login(admin)
    assert b"Bengaluru support" in client.get("/admin/numbers/exophone/?q=8030752400").content
    assert b"Bengaluru support" in client.get("/admin/numbers/exophone/?is_active__exact=1").content
    assert b"Support IVR" in client.get("/admin/numbers/flow/?q=245871").content


def test_letters_in_an_exophone_number_get_a_field_error_naming_what_is_allowed(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/numbers/exophone/add/",
        {"number": "080 30ABC 400", "friendly_name": "Keypad", "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["number"] == [
        "This is not a phone number. Use digits 0-9, spaces and + - ( ) . only."
    ]
    assert not ExoPhone.objects.filter(friendly_name="Keypad").exists()


def test_the_exophone_number_says_what_it_accepts(client, admin):
    client.force_login(admin)
    page = client.get("/admin/numbers/exophone/add/").content.decode()
    assert "Digits 0-9, spaces and + - ( ) . only, e.g. 080 3075 2400 or +91 80 3075 2400." in page
