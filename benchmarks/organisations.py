"""Benchmark: the role-holder register at scale.

Generates ICBs with providers and role holders (bulk inserts), then measures the ICB-wide gap
report, the organisation list page and the role-holder API list at two sizes, printing times,
query counts and the ratio between sizes: query counts must not grow with the data.

    .venv/bin/python benchmarks/organisations.py --providers 200
"""

import argparse
import random

from harness import api_client_for, measured, setup_django


def generate(icb_count, providers_per_icb, seed=7):
    from core.choices import Role
    from core.models import User
    from organisations.choices import PROVIDER_KINDS, OrganisationKind
    from organisations.models import Organisation, RoleHolder, RoleRequirement

    rng = random.Random(seed)
    run = Organisation.objects.count()
    region = Organisation.objects.create(name=f"Bench region {run}", kind=OrganisationKind.REGION)
    requirements = list(RoleRequirement.objects.all())
    users = []
    for i in range(icb_count):
        icb = Organisation.objects.create(name=f"Bench ICB {run}-{i}", kind=OrganisationKind.ICB, parent=region)
        icb.icb = icb
        icb.save(update_fields=["icb"])
        providers = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench provider {run}-{i}-{n}",
                kind=rng.choice(sorted(PROVIDER_KINDS)),
                parent=icb,
                icb=icb,
                provides_children_services=rng.random() < 0.4,
            )
            for n in range(providers_per_icb)
        )
        holders = [
            RoleHolder(organisation=p, role=r.role, holder_name="" if rng.random() < 0.1 else "Bench Person")
            for p in providers
            for r in requirements
            if r.kind == p.kind and rng.random() < 0.9
        ]
        RoleHolder.objects.bulk_create(holders, batch_size=2000)
        users.append(
            User.objects.create(username=f"bench.designated.{run}.{i}", role=Role.DESIGNATED, organisation=icb)
        )
    return users[0]


def measure(user, size, results):
    from django.test import Client

    from core.scoping import allowed_organisations
    from core.testing import force_login_with_second_factor
    from organisations import reports

    with measured(f"gap report, {size} providers", results):
        gaps = reports.gaps_by_organisation(allowed_organisations(user))
    client = force_login_with_second_factor(Client(), user)
    client.get("/organisations/")  # warm up: imports, templates, URL resolvers
    with measured(f"organisation list page, {size} providers", results):
        assert client.get("/organisations/").status_code == 200
    with measured(f"role-holder API list (100 a page), {size} providers", results):
        assert api_client_for(user).get("/api/v1/role-holders/").status_code == 200
    return len(gaps)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--providers", type=int, default=200, help="providers in the smaller ICB")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    small, large = args.providers, args.providers * 5
    results = {}
    gaps_small = measure(generate(1, small), small, results)
    gaps_large = measure(generate(1, large), large, results)
    print(f"\norganisations with gaps: {gaps_small} of {small}, {gaps_large} of {large}")
    for label in ("gap report", "organisation list page", "role-holder API list (100 a page)"):
        (t1, q1), (t2, q2) = (v for k, v in results.items() if k.startswith(label))
        print(f"{label:<40} time x{t2 / t1:5.2f} for data x5; queries {q1} -> {q2}")


if __name__ == "__main__":
    main()
