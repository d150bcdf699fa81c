"""Demo people, ExoPhones and flows for `make run`. Matches the sandbox's default account."""

from django.contrib.auth.models import Group, User
from django.db import transaction

from exonumbers.models import ExoPhone, Flow
from lib.roles import Role

from .models import AgentProfile

EXOPHONES = [
    ("+918030752400", "Bengaluru support line", "Karnataka"),
    ("+912267891234", "Mumbai sales line", "Mumbai"),
]
FLOWS = [("Support IVR", "245871"), ("Payment reminder", "245872")]
PEOPLE = [
    # username, password, role, name, own phone
    ("agent", "agent-demo-pass", Role.AGENT, ("Asha", "Rao"), "+919845012301"),
    ("agent2", "agent2-demo-pass", Role.AGENT, ("Vikram", "Shah"), "+919845012302"),
    ("manager", "manager-demo-pass", Role.MANAGER, ("Meera", "Iyer"), "+919845012303"),
    ("admin", "admin-demo-pass", Role.ADMIN, ("Arjun", "Nair"), ""),
]


@transaction.atomic
def load_demo():
    """Create what is missing; never overwrite what someone changed."""
    exophones = [
        ExoPhone.objects.get_or_create(number=number, defaults={"friendly_name": name, "region": region})[0]
        for number, name, region in EXOPHONES
    ]
    for name, app_id in FLOWS:
        Flow.objects.get_or_create(app_id=app_id, defaults={"name": name})
    for username, password, role, (first, last), phone in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "is_staff": role is Role.ADMIN},
        )
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
        AgentProfile.objects.get_or_create(
            user=user, defaults={"phone_number": phone, "default_exophone": exophones[0]}
        )
    return [(username, password, role.value) for username, password, role, _, _ in PEOPLE]
