"""The SC family: what the CloudFormation resource provider schemas reject.

The schemas come from the data cfn-lint ships (:mod:`autofix.schema`); only the
types a template declares are read, once per process.  :mod:`._walk` pairs every
property value with its part of the schema, once per template, for all the
family's rules.
"""

from __future__ import annotations

from autofix.rules.family import Family

_HERE = "autofix.rules.sc"

FAMILY = Family(
    prefix="SC",
    name="schema",
    summary="Schema validity: properties, values and types the CloudFormation resource schemas reject",
    rules=(
        f"{_HERE}.sc001_unknown_property:UnknownProperty",
        f"{_HERE}.sc002_invalid_enum_value:InvalidEnumValue",
        f"{_HERE}.sc003_missing_required_property:MissingRequiredProperty",
        f"{_HERE}.sc004_unknown_resource_type:UnknownResourceType",
        f"{_HERE}.sc005_dependent_property_missing:DependentPropertyMissing",
        f"{_HERE}.sc006_wrong_value_type:WrongValueType",
        f"{_HERE}.sc007_mutually_exclusive_properties:MutuallyExclusiveProperties",
        f"{_HERE}.sc008_number_out_of_range:NumberOutOfRange",
        f"{_HERE}.sc009_conditional_dependency:ConditionalDependency",
    ),
)
