"""The DP family: deploy blockers beyond the schema.

Templates that are schema-valid can still fail to deploy: a Lambda runtime past
its deprecation, an RDS engine version that does not exist, a dependency cycle,
a name where an ARN is required, a managed policy that does not exist, a
reference to a logical id that does not exist, an attribute a type does not return,
a template section or parameter CloudFormation cannot read, an IAM action that does
not exist, a service rule (backup lifecycles, schedules, S3 ACLs...).  The data these
rules judge by (runtime lifecycles, engine versions and instance classes, IAM actions,
the template and policy schemas) is the data cfn-lint ships; :mod:`._data` reads it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from autofix.rules.family import Family, Setting

_HERE = "autofix.rules.dp"


def _as_of(key: str, value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(f'{key} must be a date like "2026-01-31"') from None


FAMILY = Family(
    prefix="DP",
    name="deploy-blockers",
    summary="Deploy blockers beyond the schema: runtimes, engine versions, cycles, ARNs, references, structure, "
            "IAM, service rules",
    rules=(
        f"{_HERE}.dp001_lambda_runtime_deprecated:LambdaRuntimeDeprecated",
        f"{_HERE}.dp002_rds_engine_version:RdsEngineVersion",
        f"{_HERE}.dp003_circular_dependency:CircularDependency",
        f"{_HERE}.dp004_name_where_arn_required:NameWhereArnRequired",
        f"{_HERE}.dp005_managed_policy_arn:ManagedPolicyArn",
        f"{_HERE}.dp006_dangling_reference:DanglingReference",
        f"{_HERE}.dp007_getatt_unknown_attribute:GetattUnknownAttribute",
        f"{_HERE}.dp008_s3_bucket_acl:S3BucketAcl",
        f"{_HERE}.dp009_iam_unknown_action:IamUnknownAction",
        f"{_HERE}.dp010_sub_shell_variable:SubShellVariable",
        f"{_HERE}.dp011_backup_cold_storage:BackupColdStorage",
        f"{_HERE}.dp012_schedule_expression:ScheduleExpression",
        f"{_HERE}.dp013_parameter_definition:ParameterDefinition",
        f"{_HERE}.dp014_template_structure:TemplateStructure",
        f"{_HERE}.dp015_conditional_statement_element:ConditionalStatementElement",
        f"{_HERE}.dp016_sub_needed:SubNeeded",
        f"{_HERE}.dp017_guardduty_data_sources:GuarddutyDataSources",
        f"{_HERE}.dp018_lambda_reserved_environment:LambdaReservedEnvironment",
        f"{_HERE}.dp019_undeclared_parameter:UndeclaredParameter",
        f"{_HERE}.dp020_duplicate_resource:DuplicateResource",
        f"{_HERE}.dp021_rds_instance_class:RdsInstanceClass",
        f"{_HERE}.dp022_iam_condition_operator:IamConditionOperator",
        f"{_HERE}.dp023_backup_selection_conditions:BackupSelectionConditions",
        f"{_HERE}.dp024_sam_property:SamProperty",
    ),
    settings={
        "as-of": Setting(None, _as_of, "DP001: the date runtime deprecation is judged at (ISO date); "
                                       "unset: the day the run starts, as cfn-lint judges today",
                         at_start=lambda: date.today().isoformat()),
    },
)
