from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from audit.models import Action
from audit.services import audit_object
from lib.lists import whole_number
from lib.roles import manager_required

from .export import report_rows
from .forms import CampaignForm
from .models import Campaign, Contact
from .progress import OUTCOMES, ROWS, UNDONE, progress_of
from .services import STEPS, NotNow, campaign_create, campaign_step
from .tables import ContactTable, RefusedTable
from .window import CallingWindow

MAX_PER_PAGE = 500
REPORT_FILTERS = {
    **{state.value: Q(state=state) for state in UNDONE},
    **{outcome.value: Q(state=Contact.State.DONE, outcome=outcome) for outcome in OUTCOMES},
}


def paginate(request, table, per_page=50):
    """Rows per page as the link asks, if it is a whole number the page can show; else the default."""
    asked = request.GET.get(table.prefixed_per_page_field, "")
    if asked and not whole_number(asked, at_least=1, at_most=MAX_PER_PAGE):
        request.GET = request.GET.copy()
        request.GET.pop(table.prefixed_per_page_field)
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)


@manager_required
@require_GET
def campaign_list(request):
    campaigns = Campaign.objects.select_related("flow", "created_by").annotate(
        contact_count=Count("contacts"),
        reached=Count("contacts", filter=Q(contacts__outcome=Contact.Outcome.REACHED)),
    )
    return render(request, "campaigns/list.html", {"campaigns": campaigns[:200]})


@manager_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["contacts"]
            campaign = campaign_create(
                request=request, settings_form=form, parsed=form.parsed, file_name=upload.name
            )
            return redirect(campaign)
        return render(request, "campaigns/new.html", {"form": form}, status=400)
    return render(request, "campaigns/new.html", {"form": form})


@manager_required
@require_GET
def campaign_detail(request, campaign_id):
    campaign = get_object_or_404(
        Campaign.objects.select_related("exophone", "flow", "created_by"), pk=campaign_id
    )
    refused = RefusedTable(campaign.refused_rows.all(), prefix="refused-")
    paginate(request, refused)
    context = progress_context(campaign) | {"refused": refused, "refused_count": refused.paginator.count}
    return render(request, "campaigns/detail.html", context)


@manager_required
@require_GET
def campaign_progress(request, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    part = "_dnd" if request.GET.get("part") == "dnd" else "_progress"  # the DND check's section polls itself
    return render(request, f"campaigns/{part}.html", progress_context(campaign))


def progress_context(campaign):
    """What the campaign's page and its polled sections show of it."""
    now = timezone.now()
    return {
        "campaign": campaign,
        "progress": progress_of(campaign, now),
        "window": CallingWindow.of(campaign),
        "now": now,
    }


@manager_required
@require_POST
def campaign_action(request, campaign_id, step):
    get_object_or_404(Campaign, pk=campaign_id)
    if step not in STEPS:
        raise Http404("No such step")
    try:
        campaign = campaign_step(request=request, campaign_id=campaign_id, step=step)
    except NotNow as exc:
        messages.error(request, str(exc))
        return redirect("campaign-detail", campaign_id=campaign_id)
    if step == "check-dnd":
        messages.success(request, f"{campaign.name}: checking the numbers for DND.")
    else:
        messages.success(request, f"{campaign.name}: {campaign.get_state_display().lower()}.")
    return redirect(campaign)


@manager_required
@require_GET
def campaign_report(request, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    shown = request.GET.get("outcome", "")
    contacts = Contact.objects.filter(campaign=campaign).select_related("last_call")
    if shown in REPORT_FILTERS:
        contacts = contacts.filter(REPORT_FILTERS[shown])
    else:
        shown = ""
    table = ContactTable(contacts)
    paginate(request, table)
    return render(
        request,
        "campaigns/report.html",
        {"campaign": campaign, "table": table, "shown": shown, "choices": ROWS},
    )


@manager_required
@require_GET
def campaign_export(request, campaign_id):
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    audit_object(request=request, action=Action.CAMPAIGN_EXPORTED, obj=campaign)
    response = StreamingHttpResponse(
        report_rows(campaign, site=f"{request.scheme}://{request.get_host()}"), content_type="text/csv"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-{stamp}.csv"'
    return response
