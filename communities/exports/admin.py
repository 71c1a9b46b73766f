"""The export path in the admin: the export button of a change list (and an action) start the
same exporter as the workbench, inline or as a job.

The change list's filters travel as its query string (``{"admin": "status__exact=draft"}``);
the task rebuilds the change list for the job's user from it, so the admin's own scoping
(``ScopedAdminMixin.get_queryset``), filters and search apply exactly as on the page.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ALL_VAR, IS_FACETS_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from communities.privacy import mask_numbers_in_text

from .base import ExportContext, Exporter, get_exporter
from .views import export_start
from .writer import CSV_FORMAT, XLSX_FORMAT

FORMAT_LABELS = {
    XLSX_FORMAT: _("Excel workbook (.xlsx)"),
    CSV_FORMAT: _("Plain text table (.csv)"),
}


def _request_for(user, query: str) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.user = user
    return request


def admin_changelist(model, user, query: str):
    """The change list of ``model``'s admin as ``user`` would see it with this query string."""
    model_admin = admin.site._registry[model]
    request = _request_for(user, query)
    return model_admin.get_changelist_instance(request)


def admin_queryset(model, user, query: str):
    return admin_changelist(model, user, query).queryset


def admin_describe_filter(model, user, query: str) -> str:
    """The change list's filters and search in words: «状态：草稿；搜索：阳光»."""
    if not query:
        return ""
    with override("zh-hans"):
        changelist = admin_changelist(model, user, query)
        params = QueryDict(query)
        parts = []
        for spec in changelist.filter_specs:
            if not any(name in params for name in spec.expected_parameters()):
                continue
            chosen = [str(c["display"]) for c in spec.choices(changelist) if c["selected"]]
            parts.append(f"{spec.title}：{'、'.join(chosen)}")
        if changelist.query:
            parts.append(f"{_('Search')}：{mask_numbers_in_text(changelist.query)}")
        # A filter typed into the address (?status__exact=draft) narrows the rows too: named
        # as it was given, so the file never claims it holds everything.
        used = {SEARCH_VAR, ORDER_VAR, PAGE_VAR, ALL_VAR, IS_FACETS_VAR}
        used |= {name for spec in changelist.filter_specs for name in spec.expected_parameters()}
        for name in sorted(set(params) - used):
            parts.append(f"{name}：{mask_numbers_in_text('、'.join(params.getlist(name)))}")
        return "；".join(str(part) for part in parts)


class AdminExporter(Exporter):
    """An exporter of one model's admin change list (the filter is the change list's)."""

    model = None

    def base_queryset(self, ctx: ExportContext):
        manager = self.model.objects
        return manager.visible_to(ctx.user) if ctx.user else manager.none()

    def queryset(self, ctx: ExportContext):
        visible = self.base_queryset(ctx)
        if "admin" in ctx.params:
            rows = admin_queryset(self.model, ctx.user, ctx.params["admin"])
            return rows.filter(pk__in=visible.values("pk"))
        if "pks" in ctx.params:
            return visible.filter(pk__in=ctx.params["pks"])
        return visible

    def describe_filter(self, ctx: ExportContext) -> str:
        if "pks" in ctx.params:
            return f"管理后台中选中的 {len(ctx.params['pks'])} 条记录"
        return admin_describe_filter(self.model, ctx.user, ctx.params.get("admin", ""))


class ExporterAdminMixin:
    """Put before django-import-export's mixin: its export page becomes ours (format, then the
    file or a job), the import side stays as it is."""

    exporter_key = ""
    export_template_name = "admin/exports/export.html"

    def get_exporter(self) -> Exporter:
        return get_exporter(self.exporter_key)

    def has_export_permission(self, request) -> bool:
        return self.get_exporter().has_permission(request.user)

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        exporter = self.get_exporter()
        query = request.GET.urlencode()
        try:
            admin_changelist(self.model, request.user, query)
        except IncorrectLookupParameters:
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)) + "?e=1")
        file_format = request.POST.get("format", "")
        if request.method == "POST" and file_format in exporter.formats:
            return export_start(request, exporter, {"admin": query}, file_format)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Export"),
            "opts": self.opts,
            "exporter": exporter,
            "formats": [(f, FORMAT_LABELS[f]) for f in exporter.formats],
            "query": query,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.export_template_name], context)
