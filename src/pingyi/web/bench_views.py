"""The floor for the HTTP benchmark (`make bench`): a bare Django view that stores one row.

Routed only when PINGYI_BENCH=1 (never in production); the table is created by the bench.
"""

from __future__ import annotations

import json

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    payload = json.loads(request.body or b"{}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (payload) VALUES (%s)", [json.dumps(payload)])
    return JsonResponse({"stored": True}, status=201)
