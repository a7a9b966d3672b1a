from django.db import migrations


def load(apps, schema_editor):
    from filon.orgs.reference import nace_rows

    Sector = apps.get_model("orgs", "Sector")
    Sector.objects.bulk_create(
        [
            Sector(code=r["code"], level=int(r["level"]), parent_id=r["parent"] or None, label=r["label"])
            for r in nace_rows()
        ],
        ignore_conflicts=True,
    )


def unload(apps, schema_editor):
    apps.get_model("orgs", "Sector").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
