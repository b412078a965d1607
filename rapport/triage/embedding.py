"""The sentence embedding triage's learned layer reads: WordLlama's `l2_supercat_256` token
embeddings, averaged over a message's tokens and normalised. Pure: numpy, safetensors and
tokenizers, no Django.

Its two files ship inside the `wordllama` pip package and are read here directly: nothing is
downloaded, and `wordllama` itself is not imported (its inference module configures the root
logger when imported).
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors import safe_open
from tokenizers import Encoding as Tokens
from tokenizers import Tokenizer

ENCODER = "wordllama l2_supercat_256"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
EMBED_CHARS = 1000  # a long email's first 1000 characters say what it is about

Vector = npt.NDArray[np.float32]
_WORDLIKE = re.compile(r"[\w'\u2019]")


def _package_file(parts: tuple[str, str]) -> Path:
    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the wordllama package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the wordllama package")
    return path


@dataclass(frozen=True)
class Encoding:
    """A message's normalised embedding and, per word, its span and the sum of its tokens."""

    vector: Vector
    norm: float  # of the mean token vector, before normalising
    tokens: int
    spans: list[tuple[int, int]]
    word_sums: Vector  # (words, dim)


class Encoder:
    """Token embeddings and their tokenizer, read from the files the pip package ships."""

    def __init__(self, matrix: npt.NDArray[np.float16], tokenizer: Tokenizer) -> None:
        self.matrix = matrix
        self.dim = int(matrix.shape[1])
        self.tokenizer = tokenizer

    @classmethod
    def from_package(cls) -> Encoder:
        with safe_open(str(_package_file(_WEIGHTS)), framework="np") as weights:
            matrix = weights.get_tensor("embedding.weight")
        tokenizer = Tokenizer.from_file(str(_package_file(_TOKENIZER)))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return cls(matrix, tokenizer)

    def tokenize(self, text: str) -> Tokens:
        """The tokens of a message's first EMBED_CHARS characters (tokenizing is most of the
        cost of an embedding: do it once for both the embedding and its explanation)."""
        return self.tokenizer.encode(text[:EMBED_CHARS], add_special_tokens=False)

    def embed(self, text: str, tokens: Tokens | None = None) -> Vector:
        ids = (tokens or self.tokenize(text)).ids
        if not ids:
            return np.zeros(self.dim, np.float32)
        mean, norm = _mean(self.matrix[ids].astype(np.float32))
        return mean / norm if norm else mean

    def embed_many(self, texts: Sequence[str]) -> Vector:
        return np.stack([self.embed(text) for text in texts]) if texts else self._empty()

    def _empty(self) -> Vector:
        return np.zeros((0, self.dim), np.float32)

    def encode(self, text: str, tokens: Tokens | None = None) -> Encoding:
        """The embedding with what explains it: each word's span in `text` and token sum."""
        encoding = tokens or self.tokenize(text)
        ids = encoding.ids
        if not ids:
            zero = np.zeros(self.dim, np.float32)
            return Encoding(zero, 0.0, 0, [], self._empty())
        vectors = self.matrix[ids].astype(np.float32)
        mean, norm = _mean(vectors)
        starts: list[int] = []
        spans: list[tuple[int, int]] = []
        previous = ""
        for index, (piece, (start, end)) in enumerate(
            zip(encoding.tokens, encoding.offsets, strict=True)
        ):
            # A piece starting with "▁" starts a word ("don", "'", "t" is one); other
            # punctuation stands on its own.
            joined = _WORDLIKE.search(piece) and _WORDLIKE.search(previous)
            if not spans or piece.startswith("\u2581") or not joined:
                starts.append(index)
                spans.append((start, end))
            else:
                spans[-1] = (spans[-1][0], end)
            previous = piece
        sums = np.add.reduceat(vectors, starts, axis=0)
        return Encoding(mean / norm if norm else mean, norm, len(ids), spans, sums)


def _mean(vectors: Vector) -> tuple[Vector, float]:
    """The mean of the rows and its length: `vectors.mean(axis=0)` and `np.linalg.norm` of it,
    to the bit (the same sum row after row, divided by the count; the square root of the dot
    product), without their Python layers (a few microseconds a message)."""
    mean: Vector = np.add.reduce(vectors, axis=0)
    mean /= len(vectors)
    return mean, float(np.sqrt(mean @ mean))


@functools.lru_cache(maxsize=4096)  # about 4 MB
def remembered(text: str) -> Vector:
    return encoder().embed(text)


@functools.lru_cache(maxsize=16)
def read(text: str) -> tuple[Tokens, Vector]:
    """A message's tokens and embedding, kept for the few messages being triaged now: one
    triage reads its message's embedding up to three times (the classifier, the explanation of
    a learned hit, the loop by meaning) and tokenizing is most of its cost. The vector is
    shared: never write to it."""
    tool = encoder()
    tokens = tool.tokenize(text)
    return tokens, tool.embed(text, tokens)


@functools.cache
def encoder() -> Encoder:
    """The process's encoder, read once (about 0.1 s, 35 MB)."""
    return Encoder.from_package()
