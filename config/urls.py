from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from communities import health
from communities.accounts.views import PasswordChangeView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("health/workers/", health.workers, name="health_workers"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("communities.twofactor.urls")),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("", include("inspections.urls")),
    path("", include("disputes.urls")),
    path("", include("patrols.urls")),
    path("", include("reports.urls")),
    path("", include("communities.urls")),
]
# No URL serves MEDIA_ROOT, not even under DEBUG: every upload and export holds data of one
# organisation and is served by a view that checks the reader's scope first.

handler500 = "communities.error_views.server_error"
