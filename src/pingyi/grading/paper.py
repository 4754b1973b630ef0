"""A grade vote's check of a paper-ballot import (ballots.hooks; registered in
GradingConfig.ready()): its ballots never outnumber its approved participant list (seed 003).

The grading code that checks it (and the exports it brings in) is loaded only for a campaign
that is a grade vote: the command that imports a file pays for no more."""

from __future__ import annotations

from pingyi.campaigns.models import Campaign
from pingyi.grading.models import GradeVote


def paper_ballots_check(campaign: Campaign, new: int) -> None:
    if not GradeVote.objects.filter(campaign=campaign).exists():
        return
    from pingyi.grading.votes import check_paper_ballots

    check_paper_ballots(campaign, new)
