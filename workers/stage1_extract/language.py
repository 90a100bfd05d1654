"""Language of the main text: langdetect with a fixed seed on a bounded sample, profiles loaded once."""

from __future__ import annotations

import threading

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

UNDETERMINED = "und"  # ISO 639-2 code for "undetermined"

_lock = threading.Lock()
_factory: DetectorFactory | None = None


def _get_factory() -> DetectorFactory:
    """A private, seeded detector factory; profiles load on first use (about 0.3 s), once per process."""
    global _factory
    if _factory is None:
        with _lock:
            if _factory is None:
                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.set_seed(0)  # deterministic: same text, same answer
                _factory = factory
    return _factory


def sample(text: str, max_chars: int) -> str:
    """The first `max_chars` characters of `text`, cut back to a word boundary."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut


def detect_language(text: str, max_chars: int = 2000) -> tuple[str, float]:
    """(language code, probability) of `text` from a sample of it; ("und", 0.0) when undetectable."""
    piece = sample(text, max_chars)
    try:
        detector = _get_factory().create()
        detector.append(piece)
        best = detector.get_probabilities()
    except LangDetectException:
        return UNDETERMINED, 0.0
    if not best:
        return UNDETERMINED, 0.0
    return best[0].lang, round(min(1.0, max(0.0, float(best[0].prob))), 4)


def normalize_code(code: str | None) -> str | None:
    """A sidecar language tag as a bare lower-case code ("en-GB" -> "en"); None when blank."""
    if not isinstance(code, str):
        return None
    code = code.strip().replace("_", "-").lower()
    if not code:
        return None
    primary = code.split("-", 1)[0]
    return code if primary == "zh" else primary
