"""R9 and R10 for opinion forms: whoever holds a copy of the database — and the list of the
codes issued — cannot tell which opinion a code sent, nor when. The adversary has no key."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pytest
from django.db import connection, models
from django.utils import timezone

from pingyi.accounts.actors import Actor
from pingyi.audit.models import LaneEntry
from pingyi.fields import RandomIdField
from pingyi.stages import opinion_pool
from pingyi.stages.models import Opinion, OpinionCode, OpinionCodeUse, PooledOpinion
from pingyi.stages.opinion_services import SENT, opinion_codes_issue, opinion_send, opinions_close
from pingyi.voting import codes
from tests.ballots.test_anonymity import FORBIDDEN_WORDS, _reachable
from tests.stages.conftest import Cast

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 5, 10)

# Reviewed columns of the opinion table: a new one fails here until someone has checked that
# it cannot identify the writer, the code or the time of sending.
REVIEWED_OPINION_COLUMNS = {
    "id": RandomIdField,  # random; SQLite's rowid itself
    "campaign": models.ForeignKey,
    "unit": models.ForeignKey,
    "text": models.TextField,
    "source": models.CharField,
    "form_no": models.CharField,  # the number printed on a paper form, not a person
    "received_on": models.DateField,  # a day, never a time
    "category": models.CharField,  # the office's sorting, from here on
    "status": models.CharField,
    "kept_as": models.ForeignKey,  # another opinion
    "wording": models.TextField,
    "measures": models.TextField,  # the unit's answer
    "answered_on": models.DateField,
}


def test_the_opinion_table_has_only_reviewed_columns_and_leads_to_no_person() -> None:
    assert {f.name: type(f) for f in Opinion._meta.concrete_fields} == REVIEWED_OPINION_COLUMNS
    reachable = _reachable(Opinion)
    assert {m._meta.label for m in reachable} == {
        "stages.Opinion", "campaigns.Campaign", "campaigns.Series", "accounts.Organization",
        "campaigns.Unit", "campaigns.Category",
    }  # fmt: skip
    for model in reachable:
        for field in model._meta.concrete_fields:
            words = set(field.name.lower().split("_"))
            assert not words & set(FORBIDDEN_WORDS), f"{model._meta.label}.{field.name}"
    assert not [
        f.name for f in Opinion._meta.concrete_fields
        if isinstance(f, models.DateTimeField | models.TimeField)
    ]  # fmt: skip
    # and nothing of a code's leads to an opinion
    for model in (OpinionCode, OpinionCodeUse):
        assert "stages.Opinion" not in {m._meta.label for m in _reachable(model)}


def _spearman(a: list[int], b: list[int]) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


def test_a_database_copy_and_the_code_list_do_not_link_a_code_to_its_opinion(cast: Cast) -> None:
    opinion_pool._casts.clear()
    n = 240
    issued = opinion_codes_issue(campaign=cast.campaign, count=n, actor=Actor.of(cast.alice))
    # Send in the order of the list, each form's text carrying its place in that order.
    for place, code in enumerate(issued.codes):
        opinion_send(code=code, entries=[("L1", f"意见{place:04d}")], today=DAY)
        if place == 6:  # fewer than k forms sent: not one opinion row written yet
            assert Opinion.objects.count() == 0 and PooledOpinion.objects.count() == 7
    opinions_close(campaign=cast.campaign, actor=Actor.of(cast.alice), today=DAY)
    assert Opinion.objects.count() == n and PooledOpinion.objects.count() == 0

    # 1. The code list against the stored digests: a plain hash of a code is nowhere.
    stored = set(OpinionCode.objects.values_list("digest", flat=True))
    assert len(stored) == n
    assert (
        not {hashlib.sha256(codes.normalise(c).encode()).hexdigest() for c in issued.codes} & stored
    )
    # 2. The order of opinion rows — by id, and as stored (SQLite's rowid) — says nothing
    # about the order in which the codes were used.
    sent_order = [int(t[2:]) for t in Opinion.objects.order_by("id").values_list("text", flat=True)]
    assert abs(_spearman(sent_order, list(range(n)))) < 0.2
    ids = list(Opinion.objects.values_list("id", flat=True))
    assert max(ids) > 2**40 and len(set(ids)) == n
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, id FROM {Opinion._meta.db_table}")  # noqa: S608
            assert all(rowid == pk for rowid, pk in cursor.fetchall())
    # 3. Nor do the code uses: their rows follow the codes' random ids, not the order of use.
    used_order = list(OpinionCodeUse.objects.order_by("pk").values_list("pk", flat=True))
    by_id = dict(OpinionCode.objects.values_list("pk", "digest"))
    digest_place = {codes.digest(c): i for i, c in enumerate(issued.codes)}
    uses = [digest_place[by_id[pk]] for pk in used_order]
    assert abs(_spearman(uses, list(range(n)))) < 0.2
    # 4. Time: only the day, in the opinions and in the audit chain of the sends.
    assert set(Opinion.objects.values_list("received_on", flat=True)) == {DAY}
    sends = LaneEntry.objects.filter(action=SENT)
    assert sends.count() == n
    assert {timezone.localtime(e.at) for e in sends} == {
        timezone.make_aware(dt.datetime.combine(DAY, dt.time()))
    }
    assert {e.object_id for e in sends} == {str(cast.campaign.pk)}
    assert not any(c in str(e.data) for e in sends for c in issued.codes)


def test_a_pooled_form_cannot_be_read_without_the_key(cast: Cast) -> None:
    code = opinion_codes_issue(campaign=cast.campaign, count=1, actor=Actor.of(cast.alice)).codes[0]
    opinion_send(code=code, entries=[("L1", "窗口排队太久")], today=DAY)
    blob = bytes(PooledOpinion.objects.get().sealed)
    # What it holds (the units' ids, the texts, the day) is not there in clear; the probes are
    # long enough that random bytes do not spell them by chance (two bytes, "L1", did 0.1 %).
    assert "窗口排队".encode() not in blob and DAY.isoformat().encode() not in blob
    pooled = PooledOpinion.objects.get()
    with pytest.raises(opinion_pool.SealBroken):  # a blob moved to another row does not open
        opinion_pool.unseal(campaign_id=cast.campaign.pk, pooled_id=pooled.pk + 1, sealed=blob)
