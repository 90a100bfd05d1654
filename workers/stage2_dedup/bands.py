"""Banded LSH over MinHash signatures, kept in flat numpy arrays.

Same banding as `datasketch.MinHashLSH` (b bands of r rows; two signatures are candidates
when any band is identical), but stored as one sorted array of 32-bit band keys plus a
row array, instead of b dicts of sets: about 8*b bytes per signature instead of the
several kilobytes Python dicts and sets cost (bench/dedup.py --compare-datasketch).

Signatures are appended to one matrix. The newest rows (fewer than `batch`) are searched by
comparing their band keys directly; once `batch` of them accumulate their keys are merged into
the sorted array. Removal only marks a row dead; dead rows are compacted away once they are a
quarter of all rows. Candidates come back with their estimated Jaccard similarity, so a stale
or colliding band key can only cost time, never a wrong answer.
"""

from __future__ import annotations

import numpy as np

_MULT = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """32-bit key of every band of every signature: shape (n, bands), band index mixed in."""
    n = sigs.shape[0]
    cut = sigs[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    h = np.tile(np.arange(1, bands + 1, dtype=np.uint64) * _MULT, (n, 1))
    for j in range(rows):
        h ^= cut[:, :, j]
        h *= _MIX
        h ^= h >> np.uint64(31)
    return (h >> np.uint64(32)).astype(np.uint32)


class BandIndex:
    """Keys -> MinHash signatures (uint32), searchable for likely-similar signatures."""

    def __init__(self, permutations: int, bands: int, rows: int, batch: int = 2048) -> None:
        if bands * rows > permutations or bands < 1 or rows < 1:
            raise ValueError(f"{bands} bands of {rows} rows do not fit {permutations} permutations")
        self.permutations, self.bands, self.rows, self.batch = permutations, bands, rows, batch
        self._sigs = np.zeros((64, permutations), dtype=np.uint32)
        self._alive = np.zeros(64, dtype=bool)
        self._keys: list[str | None] = []  # by row; None once removed
        self._row_of: dict[str, int] = {}
        self._sorted_keys = np.zeros(0, dtype=np.uint32)  # band keys of rows < self._merged, sorted
        self._sorted_rows = np.zeros(0, dtype=np.int32)
        self._merged = 0  # rows whose band keys are in the sorted arrays
        self._recent = np.zeros((batch, bands), dtype=np.uint32)  # band keys of rows self._merged, ...
        self._recent_n = 0  # ... up to self._merged + self._recent_n
        self._dead = 0

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, key: object) -> bool:
        return key in self._row_of

    def signature(self, key: str) -> np.ndarray:
        """The stored signature of `key`."""
        return self._sigs[self._row_of[key]]

    def add(self, key: str, sig: np.ndarray) -> None:
        """Index `sig` under `key` (replacing any signature `key` had)."""
        if key in self._row_of:
            self.remove(key)
        row = len(self._keys)
        if row == self._sigs.shape[0]:
            self._grow()
        self._sigs[row] = sig
        self._alive[row] = True
        self._keys.append(key)
        self._row_of[key] = row
        if row + 1 - self._merged >= self.batch:
            self._merge()

    def remove(self, key: str) -> None:
        """Forget `key` (no error if unknown)."""
        row = self._row_of.pop(key, None)
        if row is None:
            return
        self._alive[row] = False
        self._keys[row] = None
        self._dead += 1
        if self._dead >= max(self.batch, len(self._keys) // 4):
            self._compact()

    def query(self, sig: np.ndarray, min_similarity: float = 0.0) -> list[tuple[str, float]]:
        """Keys sharing a band with `sig` and at least `min_similarity` estimated Jaccard, with that estimate."""
        qkeys = band_keys(sig.reshape(1, -1), self.bands, self.rows)[0]
        parts = []
        if self._sorted_keys.size:
            lo = np.searchsorted(self._sorted_keys, qkeys, "left")
            hi = np.searchsorted(self._sorted_keys, qkeys, "right")
            parts += [self._sorted_rows[a:b] for a, b in zip(lo.tolist(), hi.tolist()) if b > a]
        recent = self._recent_keys()
        if recent.shape[0]:
            parts.append(np.nonzero((recent == qkeys).any(axis=1))[0].astype(np.int32) + self._merged)
        if not parts:
            return []
        rows = np.unique(np.concatenate(parts))
        rows = rows[self._alive[rows]]
        sims = (self._sigs[rows] == sig).mean(axis=1)
        keep = sims >= min_similarity
        rows, sims = rows[keep], sims[keep]
        return [(self._keys[r], s) for r, s in zip(rows.tolist(), sims.tolist())]  # type: ignore[misc]

    def nbytes(self) -> int:
        """Bytes held by the numpy arrays (signatures and band tables)."""
        return sum(a.nbytes for a in (self._sigs, self._alive, self._sorted_keys, self._sorted_rows, self._recent))

    def _recent_keys(self) -> np.ndarray:
        """Band keys of the rows not merged yet, computed for the rows added since the last call."""
        done, total = self._recent_n, len(self._keys) - self._merged
        if done < total:
            rows = self._sigs[self._merged + done : self._merged + total]
            self._recent[done:total] = band_keys(rows, self.bands, self.rows)
            self._recent_n = total
        return self._recent[:total]

    def _grow(self) -> None:
        cap = self._sigs.shape[0] * 5 // 4
        sigs = np.zeros((cap, self.permutations), dtype=np.uint32)
        sigs[: self._sigs.shape[0]] = self._sigs
        alive = np.zeros(cap, dtype=bool)
        alive[: self._alive.shape[0]] = self._alive
        self._sigs, self._alive = sigs, alive

    def _merge(self) -> None:
        """Insert the band keys of the recent rows into the sorted arrays."""
        keys = self._recent_keys().reshape(-1).copy()
        rows = np.repeat(np.arange(self._merged, len(self._keys), dtype=np.int32), self.bands)
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        at = np.searchsorted(self._sorted_keys, keys, "right")
        self._sorted_keys = np.insert(self._sorted_keys, at, keys)
        self._sorted_rows = np.insert(self._sorted_rows, at, rows)
        self._merged = len(self._keys)
        self._recent_n = 0

    def _compact(self) -> None:
        """Drop dead rows: renumber the live ones and rebuild the band tables from their signatures."""
        live = np.nonzero(self._alive[: len(self._keys)])[0]
        n = live.size
        cap = max(64, n * 5 // 4)
        sigs = np.zeros((cap, self.permutations), dtype=np.uint32)
        sigs[:n] = self._sigs[live]
        alive = np.zeros(cap, dtype=bool)
        alive[:n] = True
        keys = [self._keys[r] for r in live.tolist()]
        self._sigs, self._alive, self._keys = sigs, alive, keys
        self._row_of = {k: i for i, k in enumerate(keys)}  # type: ignore[misc]
        bk = band_keys(sigs[:n], self.bands, self.rows).reshape(-1)
        order = np.argsort(bk, kind="stable")
        self._sorted_keys = bk[order]
        self._sorted_rows = np.repeat(np.arange(n, dtype=np.int32), self.bands)[order]
        self._merged = n
        self._recent_n = 0
        self._dead = 0
