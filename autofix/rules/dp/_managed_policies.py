"""AWS managed policy names that templates get wrong, and what they should be.

Built from the managed policy ARNs language models write (the `service-role/`
path dropped or added, an old name) checked against AWS's managed policy
reference (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/),
which gives each policy's ARN.  Only names whose correction is certain are here.
"""

from __future__ import annotations

import posixpath

#: Policies whose ARN is arn:aws:iam::aws:policy/service-role/NAME.
SERVICE_ROLE = frozenset({
    "AWS_ConfigRole",
    "AWSAppSyncPushToCloudWatchLogs",
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
    "AWSCodeDeployRole",
    "AWSCodeDeployRoleForLambda",
    "AWSGlueServiceRole",
    "AWSIoTLogging",
    "AWSIoTRuleActions",
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaENIManagementAccess",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AmazonAPIGatewayPushToCloudWatchLogs",
    "AmazonEC2ContainerServiceEventsRole",
    "AmazonEC2ContainerServiceRole",
    "AmazonEC2ContainerServiceforEC2Role",
    "AmazonEC2SpotFleetTaggingRole",
    "AmazonECSTaskExecutionRolePolicy",
    "AmazonElasticMapReduceRole",
    "AmazonElasticMapReduceforEC2Role",
    "AmazonRDSEnhancedMonitoringRole",
    "AmazonSSMAutomationRole",
})

#: Policies whose ARN has no path: arn:aws:iam::aws:policy/NAME.
NO_PATH = frozenset({
    "AdministratorAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonSSMManagedInstanceCore",
    "AWSXRayDaemonWriteAccess",
    "AWSXrayWriteOnlyAccess",
    "CloudWatchAgentServerPolicy",
    "CloudWatchLogsFullAccess",
    "ReadOnlyAccess",
})

#: Names that do not exist (or are deprecated and cannot be attached) -> the policy meant.
RENAMED = {
    "ConfigRole": "AWS_ConfigRole",
    "AWSConfigRole": "AWS_ConfigRole",
}


def corrected(path_and_name: str) -> str | None:
    """``service-role/AWS_ConfigRole`` for ``service-role/ConfigRole``; None when it is right or unknown."""
    _, _, name = path_and_name.rpartition("/")
    new_name = RENAMED.get(name, name)
    if new_name in SERVICE_ROLE:
        new_path = "service-role"
    elif new_name in NO_PATH:
        new_path = ""
    else:
        return None
    fixed = posixpath.join(new_path, new_name)  # an IAM path and name
    return fixed if fixed != path_and_name else None
