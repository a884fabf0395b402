"""autofix: deterministic repairs for known failures in AWS CloudFormation templates.

The pipeline is load -> detect -> plan -> apply -> verify -> write; each step
lives in a module of the same name.  Rules are plugins found through
:mod:`autofix.registry`; the engine never names one.
"""

__version__ = "0.1.0"
