"""Built-in rules, one module each, named ``drNNN_<rule-name>``; see :mod:`autofix.registry`."""
