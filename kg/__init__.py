"""kg — build a knowledge graph from Chinese news.

>>> import kg
>>> graph = kg.KnowledgeGraph("kg-store")          # doctest: +SKIP
>>> graph.build(["seeds/"])                        # doctest: +SKIP
>>> nlp = kg.load_pipeline()                       # doctest: +SKIP

Imports are lazy: ``import kg`` loads neither spaCy nor the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["KnowledgeGraph", "__version__", "load_pipeline"]

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph
    from kg.nlp import load_pipeline


def __getattr__(name: str) -> Any:
    if name == "KnowledgeGraph":
        from kg.api import KnowledgeGraph

        return KnowledgeGraph
    if name == "load_pipeline":
        from kg.nlp import load_pipeline

        return load_pipeline
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
