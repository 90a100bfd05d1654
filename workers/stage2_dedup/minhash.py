"""MinHash signatures (datasketch, affine32 scheme) and their compact text form for the table."""

from __future__ import annotations

import base64
from functools import lru_cache

import numpy as np
from datasketch import MinHash

SCHEME = "affine32"


@lru_cache(maxsize=8)
def _permutations(permutations: int, seed: int) -> np.ndarray:
    return MinHash(num_perm=permutations, seed=seed, scheme=SCHEME).permutations


def signature(hashes: np.ndarray, permutations: int, seed: int) -> np.ndarray:
    """MinHash hash values (uint32, one per permutation) of a set given by its 32-bit element hashes."""
    m = MinHash(num_perm=permutations, seed=seed, hashfunc=int, scheme=SCHEME,
                permutations=_permutations(permutations, seed))
    if hashes.size:
        m.update_batch(hashes.tolist())  # the elements are hashes already: `int` keeps them
    return m.hashvalues


def encode(sig: np.ndarray) -> str:
    """Base64 of the little-endian uint32 hash values (684 characters for 128 permutations)."""
    return base64.b64encode(sig.astype("<u4").tobytes()).decode("ascii")


def decode(text: str, permutations: int) -> np.ndarray:
    """Inverse of `encode`; ValueError unless it holds exactly `permutations` values."""
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) != 4 * permutations:
        raise ValueError(f"signature has {len(raw) // 4} values, expected {permutations}")
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)
