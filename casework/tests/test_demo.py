import pytest

from casework import demo
from casework.models import Allegation, Escalation, HealthNeedsConcern
from organisations import demo as organisations_demo


@pytest.mark.django_db
def test_the_demo_loads_once_with_pseudonymous_references():
    organisations_demo.load()
    demo.load()
    demo.load()
    assert Allegation.objects.count() == 4
    assert all(a.reference.startswith("ALG-") for a in Allegation.objects.all())
    assert Escalation.objects.get(case_reference="Child D").stages.count() == 3
    assert HealthNeedsConcern.objects.get().requests.count() == 2
