from django.db import migrations


def load(apps, schema_editor):
    from filon.core.text import fold
    from filon.directory.schools import SCHOOLS

    School = apps.get_model("directory", "School")
    Organisation = apps.get_model("orgs", "Organisation")
    for s in SCHOOLS:
        org, _ = Organisation.objects.get_or_create(
            name=s["name"],
            kind="university",
            defaults={
                "name_folded": fold(s["name"]),
                "short_name": s["short"],
                "country": "FR",
                "city": s["city"],
                "sector_id": "85.42",
            },
        )
        School.objects.get_or_create(
            code=s["code"], defaults={"name": s["name"], "city": s["city"], "organisation": org}
        )


def unload(apps, schema_editor):
    apps.get_model("directory", "School").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("orgs", "0002_load_nace")]
    operations = [migrations.RunPython(load, unload)]
