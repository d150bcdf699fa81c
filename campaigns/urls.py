from django.urls import path

from . import views

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.campaign_new, name="campaign-new"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign-detail"),
    path("<int:campaign_id>/progress/", views.campaign_progress, name="campaign-progress"),
    path("<int:campaign_id>/contacts/", views.campaign_report, name="campaign-report"),
    path("<int:campaign_id>/export.csv", views.campaign_export, name="campaign-export"),
    path(
        "<int:campaign_id>/<str:step>/",
        views.campaign_action,
        name="campaign-action",
    ),
]
