"""Actions on a record (accept a case, verify a hazard, approve a check): one POST view for all.

Each app describes its actions as a table — the service to call, the form, the permission, the
success message — and ``RecordActions`` turns the table into views and URLs. Every action view
does the same, in the same order:

1. without one of the action's permissions: 403 (the same for every id, existing or not);
2. the record is looked up in the user's scope: outside it, or missing, a 404;
3. the form is checked; a valid one calls the one service;
4. a record changed by someone else since the page was shown (its ``version``,
   ``communities.versioning``) is refused like a service's refusal;
5. a refusal (``WorkflowError``, or a ``ValidationError`` from the model) or an invalid form
   re-renders the record's page with that form, what was typed kept and the reason shown; nothing
   is written (the request is atomic);
6. success: a message and a redirect to the record's page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from communities.versioning import MSG_CHANGED_MEANWHILE, VERSION, changed_meanwhile
from communities.workflow import WorkflowError

Refusal = WorkflowError | ValidationError


@dataclass(frozen=True)
class Action:
    """One action: ``run(record, actor, form)`` calls one service with the form's data."""

    name: str
    perms: tuple[str, ...]
    run: Callable[[Any, Any, forms.Form], Any]
    success: Any  # a (lazy) message
    form_class: type[forms.Form] = forms.Form
    # Extra form arguments that depend on the record (e.g. the people who may handle it).
    form_kwargs: Callable[[Any], dict] | None = None


@dataclass(frozen=True)
class RecordActions:
    """The actions of one kind of record, each at ``<prefix>/<int:pk>/<name>/`` named
    ``<record>_<name>``.

    ``lookup(request, pk)`` returns the record in the user's scope or raises Http404;
    ``render(request, record, name, form, refusal)`` shows the record's page with the form of a
    refused action (``refusal`` is None when the form itself was invalid); ``detail_url(record)``
    is where a successful action goes.
    """

    record: str
    prefix: str
    lookup: Callable[[HttpRequest, int], Any]
    render: Callable[[HttpRequest, Any, str, forms.Form, Refusal | None], HttpResponse]
    detail_url: Callable[[Any], str]
    actions: tuple[Action, ...]

    def view(self, action: Action):
        def act(request: HttpRequest, pk: int) -> HttpResponse:
            if not any(request.user.has_perm(perm) for perm in action.perms):
                raise PermissionDenied
            record = self.lookup(request, pk)
            extra = action.form_kwargs(record) if action.form_kwargs else {}
            if not action.form_class.prefix:  # a prefix already keeps the page's ids apart
                extra["auto_id"] = f"id_{action.name}_%s"
            form = action.form_class(request.POST, request.FILES, **extra)
            refusal = None
            if form.is_valid() and changed_meanwhile(type(record), pk, request.POST.get(VERSION)):
                refusal = WorkflowError(MSG_CHANGED_MEANWHILE)
                record = self.lookup(request, pk)  # the page shows the record as it now is
            elif form.is_valid():
                try:
                    action.run(record, request.user, form)
                except (WorkflowError, ValidationError) as error:
                    refusal = error
                else:
                    messages.success(request, action.success)
                    return redirect(self.detail_url(record))
            return self.render(request, record, action.name, form, refusal)

        act.__name__ = f"{self.record}_{action.name}"
        act.__doc__ = f"POST: {action.name} a {self.record} (communities.actions)."
        return login_required(require_POST(act))

    def urlpatterns(self) -> list:
        return [
            path(
                f"{self.prefix}/<int:pk>/{action.name}/",
                self.view(action),
                name=f"{self.record}_{action.name}",
            )
            for action in self.actions
        ]


def refusal_text(refusal: Refusal) -> str:
    """A refusal as one sentence for a message or an alert."""
    if isinstance(refusal, WorkflowError):
        return str(refusal.message)
    return " ".join(str(m) for m in refusal.messages)


def attach_refusal(form: forms.Form, refusal: Refusal | None) -> None:
    """Put a service's refusal on the form: a field's error next to the field, the rest on top."""
    if refusal is None:
        return
    if isinstance(refusal, WorkflowError) or not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal_text(refusal))
        return
    for field, errors in refusal.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
