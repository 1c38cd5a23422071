"""Training and evaluation of the NER model (`python -m kg.train ner`; never run in CI in full)."""
