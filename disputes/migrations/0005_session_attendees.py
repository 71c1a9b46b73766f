"""A session's attendees become references to the case's parties and workers plus free text.

The old free text moves into ``other_attendees`` (renamed, so no text is lost). Where it lists
names separated by 、，,;； or spaces and a name is exactly one of the case's parties, that
party becomes a reference (so it is masked like every party) and the name leaves the text; a
text with no such name stays exactly as it was. Going back puts the parties' names in front of
the text again.
"""

import re

from django.conf import settings
from django.db import migrations, models

SEPARATORS = re.compile(r"[、，,;；\s]+")
JOIN = "、"


def split_parties(text: str, names: dict[str, int]) -> tuple[list[int], str]:
    """(ids of the parties named in ``text``, what is left of it)."""
    tokens = [token for token in SEPARATORS.split(text or "") if token]
    found = [names[token] for token in tokens if token in names]
    if not found:
        return [], text
    rest = [token for token in tokens if token not in names]
    return list(dict.fromkeys(found)), JOIN.join(rest)


def forwards(apps, schema_editor):
    Session = apps.get_model("disputes", "MediationSession")
    Party = apps.get_model("disputes", "Party")
    sessions = Session.objects.exclude(other_attendees="").order_by("pk")
    for session in sessions.iterator(chunk_size=500):
        names = {}
        for pk, name in Party.objects.filter(case_id=session.case_id).values_list("pk", "name"):
            names.setdefault(name.strip(), pk)
        found, rest = split_parties(session.other_attendees, names)
        if found:
            session.parties_present.add(*found)
            Session.objects.filter(pk=session.pk).update(other_attendees=rest)


def backwards(apps, schema_editor):
    Session = apps.get_model("disputes", "MediationSession")
    sessions = Session.objects.filter(parties_present__isnull=False).distinct().order_by("pk")
    for session in sessions.iterator(chunk_size=500):
        names = [p.name for p in session.parties_present.order_by("pk")]
        text = JOIN.join([*names, session.other_attendees] if session.other_attendees else names)
        Session.objects.filter(pk=session.pk).update(other_attendees=text[:300])


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0004_timeline_actions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="mediationsession", old_name="attendees", new_name="other_attendees"
        ),
        migrations.AlterField(
            model_name="mediationsession",
            name="other_attendees",
            field=models.CharField(blank=True, max_length=300, verbose_name="others present"),
        ),
        migrations.AddField(
            model_name="mediationsession",
            name="parties_present",
            field=models.ManyToManyField(
                blank=True,
                related_name="sessions_attended",
                to="disputes.party",
                verbose_name="parties present",
            ),
        ),
        migrations.AddField(
            model_name="mediationsession",
            name="staff_present",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="case workers present",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
