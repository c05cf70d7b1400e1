import pytest, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from core.testing import World

@pytest.mark.django_db
def test_world_cost():

    with CaptureQueriesContext(connection) as ctx:
        t=time.perf_counter(); w=World(); el=time.perf_counter()-t
    from collections import Counter
    c=Counter(q['sql'].split(' ')[0]+' '+(q['sql'].split('"')[1] if '"' in q['sql'] else '') for q in ctx.captured_queries)
    print("\nqueries", len(ctx.captured_queries), "time", el)
    for k,v in c.most_common(25): print(v,k)
