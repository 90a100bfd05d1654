"""Dedup building blocks: text normalisation and shingles, MinHash encoding, the banded LSH index."""

from __future__ import annotations

import numpy as np
import pytest

from workers.stage2_dedup import minhash, names
from workers.stage2_dedup.bands import BandIndex
from workers.stage2_dedup.shingles import body_indices, fingerprint, paragraphs, shingle_hashes


def test_normalisation_folds_case_punctuation_quotes_and_spacing() -> None:
    raw, a = paragraphs("Russia’s troops LEFT  Izium,\n\n \n“to regroup”.\n—")
    _, b = paragraphs("russia's troops left izium\n'to regroup'")
    assert raw == ["Russia’s troops LEFT  Izium,", "“to regroup”."]
    assert a == b == [["russia", "s", "troops", "left", "izium"], ["to", "regroup"]]
    assert fingerprint(a) == fingerprint(b) != fingerprint([["russia", "s", "troops", "left", "izium", "to", "regroup"]])


def test_body_leaves_out_headline_title_and_short_lines() -> None:
    _, paras = paragraphs("Headline here\n\nThe first real paragraph of the story.\n\n(East Review)\n\nMore news about it.")
    assert body_indices(paras) == [1]
    assert body_indices(paras, min_words=3) == [1, 3]
    assert body_indices(paras, title="THE FIRST REAL PARAGRAPH OF THE STORY.", min_words=3) == [3]
    assert body_indices(paragraphs("One line only")[1]) == [0]
    assert body_indices([]) == []


def test_names_and_figures() -> None:
    terms = names.key_terms(["Russian forces left Izium on Saturday, 2,000 sq km.", "the rest"])
    assert terms == {"russian", "izium", "saturday", "2", "000"}
    known = names.term_hashes(terms)
    assert known.size == 5 and list(known) == sorted(known)
    assert names.share_known(names.term_hashes({"izium", "saturday"}), known) == 1.0
    assert names.share_known(names.term_hashes({"izium", "kupiansk"}), known) == 0.5
    assert names.share_known(names.term_hashes(set()), known) == 1.0
    assert (names.decode(names.encode(known)) == known).all() and len(names.encode(known)) == 28
    with pytest.raises(ValueError):
        names.decode(names.encode(known)[:-4])


def test_shingles_ignore_paragraph_order_but_not_word_order() -> None:
    p1, p2 = "a b c d e f".split(), "g h i j".split()
    h = shingle_hashes([p1, p2], 4)
    assert h.dtype == np.uint32 and h.size == 3 + 1
    assert np.array_equal(h, shingle_hashes([p2, p1], 4))
    assert not np.array_equal(h, shingle_hashes([p1[::-1], p2], 4))
    assert shingle_hashes([["short"]], 4).size == 1 and shingle_hashes([], 4).size == 0


def test_signature_round_trips_and_estimates_jaccard() -> None:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**32, 400, dtype=np.uint32)
    half = np.concatenate([base[:200], rng.integers(0, 2**32, 200, dtype=np.uint32)])
    sa, sb = minhash.signature(base, 256, 1), minhash.signature(half, 256, 1)
    assert abs(float((sa == sb).mean()) - 200 / 600) < 0.08
    text = minhash.encode(sa)
    assert np.array_equal(minhash.decode(text, 256), sa) and len(text) == 1368
    with pytest.raises(ValueError):
        minhash.decode(text, 128)


def test_band_index_finds_similar_signatures_through_merges_and_compaction() -> None:
    rng = np.random.default_rng(1)
    index = BandIndex(permutations=64, bands=16, rows=4, batch=50)
    sigs = {f"k{i}": rng.integers(0, 2**32, 64, dtype=np.uint32) for i in range(400)}
    for key, sig in sigs.items():
        index.add(key, sig)
    for i in range(0, 400, 2):
        index.remove(f"k{i}")  # triggers compaction
    index.remove("missing")
    assert len(index) == 200 and "k1" in index and "k0" not in index
    for key in ("k1", "k199", "k399"):
        near = sigs[key].copy()
        near[:16] = 0  # four bands of sixteen changed: the other twelve still match
        hits = dict(index.query(near))
        assert set(hits) == {key} and hits[key] == pytest.approx(0.75)
        assert np.array_equal(index.signature(key), sigs[key])
    assert index.query(sigs["k0"]) == []
    index.add("k1", sigs["k0"])  # re-adding a key replaces its signature
    assert [k for k, _ in index.query(sigs["k0"])] == ["k1"] and index.query(sigs["k1"]) == []
    assert index.nbytes() > 200 * 64 * 4


def test_band_index_rejects_bands_that_do_not_fit() -> None:
    with pytest.raises(ValueError):
        BandIndex(permutations=64, bands=17, rows=4)
