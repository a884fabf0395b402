"""Rule families: a prefix, the rules under it, their settings table and an optional precondition.

Like ruff's linters, rules come in families named by an id prefix (``DR`` for
disaster recovery).  A family is declared once, in its subpackage's
``__init__`` as ``FAMILY``; the registry lists families, and each family lists
its rules, so adding a rule touches its own family only.

- ``settings``: the keys of the family's own configuration table
  (``[tool.autofix.dr]``), each with a default and a check; rules read them with
  :meth:`~autofix.rules.base.Rule.option` (or :meth:`Family.option`).  Configuration
  fills every default into the :class:`~autofix.settings.Settings` it builds.
- ``precondition``: a fact computed once per template (through the rule
  context's cache) that rules marked ``needs_precondition`` require; when it is
  false they are not run at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from autofix.rules.base import Rule
    from autofix.settings import Settings
    from autofix.template import Template


class Setting(NamedTuple):
    """One key of a family's settings table."""

    default: Any
    #: Check and convert a configured value; raise ValueError with a message naming the key.
    convert: Callable[[str, Any], Any]
    help: str = ""
    #: For a key whose default depends on when the run happens (today's date): the value an unset
    #: key takes, computed once when configuration builds a run's settings, so that every file of
    #: the run, in any worker process or on any machine, is judged alike.
    at_start: Callable[[], Any] | None = None


class Family(NamedTuple):
    prefix: str
    name: str
    summary: str
    #: ``"module:attr"`` specs: a Rule subclass, a Rule instance, or an iterable of instances
    #: (rules generated from data).
    rules: tuple[str, ...]
    settings: Mapping[str, Setting] = MappingProxyType({})
    precondition: Callable[[Template, Settings], bool] | None = None

    @property
    def table(self) -> str:
        """The configuration table's name: ``dr`` for ``[tool.autofix.dr]``."""
        return self.prefix.lower()

    def option(self, settings: Settings, key: str) -> Any:
        """This family's setting ``key``: as ``settings`` hold it, else the default declared here.

        Settings from :mod:`autofix.config` hold every key; settings built directly may leave keys out.
        """
        try:
            return settings.family_option(self.prefix, key)
        except KeyError:
            if key not in self.settings:
                raise KeyError(f"family {self.prefix} has no setting {key!r}") from None
            return self.settings[key].default

    def load_rules(self) -> list[Rule]:
        found: list[Rule] = []
        for spec in self.rules:
            module, _, attr = spec.partition(":")
            found.extend(as_rules(getattr(import_module(module), attr)))
        return found


def as_rules(obj: Any) -> list[Rule]:
    """Rule instances from a Rule subclass, an instance, or an iterable of either."""
    from autofix.rules.base import Rule

    if isinstance(obj, type):
        return [obj()] if issubclass(obj, Rule) else [obj]  # a non-rule is refused by the registry
    if isinstance(obj, Rule):
        return [obj]
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
        out: list[Rule] = []
        for item in obj:
            out.extend(as_rules(item))
        return out
    return [obj]
