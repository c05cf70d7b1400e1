"""The RCGP essential safeguarding codes with verified SNOMED CT identifiers [reference C2; E29]. Their 'off'
codes were not verified (reference part H): blank until an ICB adds them (a blank off code: on while coded)."""

from django.db import migrations

PAIRS = [
    ("concern", "836881000000105", "", "RCGP essential safeguarding codes [E29]"),
    ("family_concern", "1064961000000107", "", "RCGP essential safeguarding codes [E29]"),
    ("unborn_concern", "878111000000109", "", "RCGP essential safeguarding codes [E29]"),
    ("cpp", "342191000000101", "", "RCGP essential safeguarding codes [E29]"),
    ("family_cpp", "375041000000100", "", "RCGP essential safeguarding codes [E29]"),
]


def load(apps, schema_editor):
    pair = apps.get_model("signals", "GpCodePair")
    for register, on_code, off_code, source in PAIRS:
        pair.objects.get_or_create(on_code=on_code, defaults={"register": register, "off_code": off_code, "source": source})


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
