"""The workbench's password change page: for anyone logged in, and where a user whose password
is due (first login after an administrator set it, or older than PASSWORD_MAX_AGE_DAYS) is
sent until they change it."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from communities.accounts.passwords import password_due_reason


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("communities:home")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reason"] = password_due_reason(self.request)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)  # records the password, keeps this session
        messages.success(self.request, _("Your password has been changed."))
        return response
