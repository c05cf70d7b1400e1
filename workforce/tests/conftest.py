import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.choices import Role
from workforce import actions, rules

L1 = "NHS|CSTF|Safeguarding Children - Level 1|3 Years|"
L2 = "NHS|CSTF|Safeguarding Children - Level 2|3 Years|"
L3 = "NHS|CSTF|Safeguarding Children - Level 3|3 Years|"
ADULTS_L2 = "NHS|CSTF|Safeguarding Adults - Level 2|3 Years|"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def icb(world):
    actions.ensure_icb_defaults(world.icb)
    return world.icb


def extract_row(**fields):
    values = {
        "staff_key": "S0001",
        "assignment_number": "",
        "role": "Administrator",
        "staff_group": "Administrative and Clerical",
        "start_date": "2020-01-01",
        "competence": L2,
        "completed_on": "2025-01-01",
        "expiry_on": "",
        "hours": "8",
        "status": "",
        "end_date": "",
    } | fields
    return [values[name] for name in rules.DEFAULT_HEADERS]


def csv_file(rows, name="extract.csv", header=None):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or list(rules.DEFAULT_HEADERS.values()))
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture
def upload(world, icb):
    def do(rows, name="extract.csv", header=None, role=Role.HR, **options):
        file = csv_file(rows, name, header)
        return actions.do_import_extract(icb=icb, upload=file, name=name, acting_user=world.user(role), **options)

    return do


@pytest.fixture
def staff(world, icb, today):
    def make(key="S9001", **fields):
        fields.setdefault("role", "Designated nurse")
        fields.setdefault("staff_group", "Designated professionals")
        fields.setdefault("start_date", today - dt.timedelta(days=400))
        return actions.do_create_staff_member(icb=icb, staff_key=key, acting_user=world.user(Role.HR), **fields)

    return make
