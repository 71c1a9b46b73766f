"""回避 (conflict of interest), issue 10: the property company a case is against, the permission
to see dispute parties in full, and the old cases a company resolved against itself.

- ``respondent_company``: for every property-service case, the company that ran the compound on
  the day the case was registered (local date), as ``case_register`` now records it. Other
  categories stay without one (nothing recorded said the respondent was the company).
- ``resolved_by_respondent``: a resolved case that concerns a property company and whose
  resolving step was taken by a member of a property company — the respondent, or the company
  running the compound the day it was resolved (memberships as they are now: the only record).
  The closure rate no longer counts such a case as resolved; no service can make another one.
- ``view_party_data``: roles get it from ``disputes.roles`` when ``roles_sync`` runs after
  migrate.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

PROPERTY_SERVICE = "property"


def _running(ManagementTerm, compound_id, on):
    terms = ManagementTerm.objects.filter(compound_id=compound_id, start__lte=on).filter(
        Q(end__isnull=True) | Q(end__gte=on)
    )
    return terms.order_by("-start").values_list("company_id", flat=True).first()


def forwards(apps, schema_editor):
    DisputeCase = apps.get_model("disputes", "DisputeCase")
    CaseEvent = apps.get_model("disputes", "CaseEvent")
    ManagementTerm = apps.get_model("communities", "ManagementTerm")
    Membership = apps.get_model("communities", "Membership")
    cases = DisputeCase.objects.filter(category=PROPERTY_SERVICE).order_by("pk")
    for case in cases.iterator(chunk_size=500):
        on = timezone.localtime(case.registered_at).date()
        company_id = _running(ManagementTerm, case.compound_id, on)
        if company_id is None:
            continue
        DisputeCase.objects.filter(pk=case.pk).update(respondent_company_id=company_id)
    resolved = DisputeCase.objects.filter(status="resolved").filter(
        Q(category=PROPERTY_SERVICE) | Q(respondent_company__isnull=False)
    )
    for case in resolved.order_by("pk").iterator(chunk_size=500):
        step = (
            CaseEvent.objects.filter(case_id=case.pk, action="resolve", actor__isnull=False)
            .order_by("-at", "-pk")
            .first()
        )
        if step is None:
            continue
        companies = {case.respondent_company_id}
        if case.closed_at is not None:
            on = timezone.localtime(case.closed_at).date()
            companies.add(_running(ManagementTerm, case.compound_id, on))
        companies.discard(None)
        member = Membership.objects.filter(
            user_id=step.actor_id, organisation__property_company_id__in=companies
        )
        if companies and member.exists():
            DisputeCase.objects.filter(pk=case.pk).update(resolved_by_respondent=True)


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0005_export_job_attempts"),
        ("disputes", "0006_holiday_names_in_chinese"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="disputecase",
            options={
                "ordering": ["-registered_at", "-pk"],
                "permissions": [
                    ("handle_disputecase", "Can accept, mediate and close dispute cases"),
                    ("import_disputecase", "Can import dispute cases"),
                    ("export_disputecase", "Can export dispute cases"),
                    (
                        "view_party_data",
                        "Can see dispute parties' names, phones and ID numbers in full",
                    ),
                ],
                "verbose_name": "dispute case",
                "verbose_name_plural": "dispute cases",
            },
        ),
        migrations.AddField(
            model_name="disputecase",
            name="resolved_by_respondent",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="resolved by the respondent company"
            ),
        ),
        migrations.AddField(
            model_name="disputecase",
            name="respondent_company",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="communities.propertycompany",
                verbose_name="respondent property company",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
