"""Holiday rows seeded in English by an older version (the chinese-calendar package's names) are
renamed in Chinese, as the seed now writes them; names typed by hand are left alone."""

from django.db import migrations

# The package's names then, copied here so that a later change to the seed's table does not
# change what this migration did.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def names_in_chinese(apps, schema_editor):
    CalendarDay = apps.get_model("disputes", "CalendarDay")
    for english, chinese in HOLIDAY_NAMES.items():
        CalendarDay.objects.filter(name=english).update(name=chinese)


class Migration(migrations.Migration):
    dependencies = [("disputes", "0005_session_attendees")]

    operations = [migrations.RunPython(names_in_chinese, migrations.RunPython.noop)]
