"""``python -m kg.train ner ...``: the training commands without the main ``kg`` CLI."""

from kg.train.commands import train

if __name__ == "__main__":
    train(prog_name="python -m kg.train")
