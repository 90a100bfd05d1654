"""Claims stage: normalized → claims, one message per settlement the article decides, keyed by its id.

The verdicts of a republication carry its `duplicate_of`, so the alerts stage records them as
provenance and never counts them as an independent source.
"""

from __future__ import annotations

from typing import Any, Mapping

from workers.records import Claim, NormalizedArticle
from workers.stage import Emit, Stage, StepResult
from workers.stage3_normalize.profiles import Profile
from workers.stage4_claims.core import article_verdicts, extract_claims
from workers.stage4_claims.patterns import LEXICONS, compiled
from workers.stages import spec_of


def analyse(article: NormalizedArticle, profiles: Mapping[int, Profile] | None
            ) -> tuple[list[Claim], list[Claim]]:
    """Every claim of the article (counted or set aside) and its verdicts (one counted claim per settlement).

    `profiles` (settlement kinds) decide which descriptions fit which places; None lets any kind fit.
    """
    claims = extract_claims(article, profiles)
    verdicts = article_verdicts(claims)
    for verdict in verdicts:
        verdict.duplicate_of = article.duplicate_of  # a republication: provenance, not a source
    return claims, verdicts


class ClaimsStage(Stage):
    spec = spec_of("claims")
    decoders = {"normalized": ("normalized_article", NormalizedArticle.from_dict)}

    def __init__(self, *args: Any, profiles: Mapping[int, Profile] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profiles = profiles

    def open(self, state: Any = None) -> None:
        super().open(state)
        if self.profiles is None:  # imported here: a missing cache is built with the slow build modules
            from workers.stage3_normalize.cache import load_profiles

            self.profiles = load_profiles(self.settings.data_dir / "gazetteer")
        for lang in LEXICONS:  # compiled here (0.1 to 0.3 s each), while a worker's group join waits
            compiled(lang)

    def step(self, role: str, record: NormalizedArticle) -> StepResult:
        _, verdicts = analyse(record, self.profiles)
        return StepResult([Emit("claims", str(v.settlement.id), v.to_dict()) for v in verdicts])
