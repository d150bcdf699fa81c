from django.urls import path

from . import views

urlpatterns = [
    path("", views.saved_view_list, name="saved-views"),
    path("save/", views.saved_view_save, name="saved-view-save"),
    path("<int:view_id>/", views.saved_view_open, name="saved-view-open"),
    path("<int:view_id>/delete/", views.saved_view_delete, name="saved-view-delete"),
]
