from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lib.admin import guard_every_admin
from ops.views import healthz

handler403 = "exotel_dashboard.errors.permission_denied"
handler404 = "exotel_dashboard.errors.page_not_found"
handler500 = "exotel_dashboard.errors.server_error"

admin.site.site_header = "Exotel Dashboard admin"
admin.site.site_title = "Exotel Dashboard admin"
guard_every_admin(admin.site)  # the admins of axes, tasks and auth's groups too

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("audit/", include("audit.urls")),
    path("views/", include("calls.log.saved_views.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("", include("calls.urls")),
]
