"""The home page is made of panels. Any app may contribute with a `home.py` module whose
`panels(user)` returns a list of Panel for that user (already scoped); core shows them."""

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@dataclass
class Panel:
    title: str
    items: list = field(default_factory=list)  # of (label, url, detail)
    empty_text: str = "Nothing to show."
    link: tuple | None = None  # (label, url)
    count: int | None = None


def panels_for(user):
    panels = []
    for config in apps.get_app_configs():
        if config.name != "core" and module_has_submodule(config.module, "home"):
            panels.extend(import_module(f"{config.name}.home").panels(user))
    return panels
