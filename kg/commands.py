"""Registers the commands that live next to their subsystems on the ``kg`` group.

Kept apart from :mod:`kg.cli` so that each subsystem owns its command's options, while the
imports stay lazy: nothing heavy (spaCy, torch, uvicorn) is imported until a command runs.
"""

from __future__ import annotations

import importlib

import click

#: (module, attribute) of each extra command or group.
EXTRA_COMMANDS: tuple[tuple[str, str], ...] = (
    ("kg.commands_consumers", "serve"),
    ("kg.commands_consumers", "export"),
    ("kg.commands_consumers", "view"),
    ("kg.commands_consumers", "explain"),
    ("kg.commands_scale", "shard"),
    ("kg.train.commands", "train"),
    ("kg.train.commands", "eval_group"),
)


def register_all(group: click.Group) -> None:
    for module_name, attribute in EXTRA_COMMANDS:
        module = importlib.import_module(module_name)
        group.add_command(getattr(module, attribute))
