"""The built-in rules' index, read by the registry so that rules are imported only when needed.

Generated from the rule classes by ``python scripts/rule_index.py``; do not edit.  Each family spec maps to
its rules as (id, name, resource types or None, required modules, needs the family precondition,
on by default).
"""

# ruff: noqa: E501

RULES: dict[str, tuple[tuple[object, ...], ...]] = {
    'autofix.rules.dp.dp001_lambda_runtime_deprecated:LambdaRuntimeDeprecated': (
        ('DP001', 'lambda-runtime-deprecated', ('AWS::Lambda::Function', 'AWS::Serverless::Function'), ('cfnlint',), False, True),
    ),
    'autofix.rules.dp.dp002_rds_engine_version:RdsEngineVersion': (
        ('DP002', 'rds-engine-version', ('AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::RDS::GlobalCluster'), ('cfnlint',), False, True),
    ),
    'autofix.rules.dp.dp003_circular_dependency:CircularDependency': (
        ('DP003', 'circular-dependency', None, (), False, True),
    ),
    'autofix.rules.dp.dp004_name_where_arn_required:NameWhereArnRequired': (
        ('DP004', 'name-where-arn-required', ('AWS::CodeBuild::Project', 'AWS::DynamoDB::Table', 'AWS::ECR::Repository', 'AWS::ECS::Cluster', 'AWS::Events::EventBus', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::KMS::Key', 'AWS::Kinesis::Stream', 'AWS::KinesisFirehose::DeliveryStream', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::SQS::Queue'), (), False, True),
    ),
    'autofix.rules.dp.dp005_managed_policy_arn:ManagedPolicyArn': (
        ('DP005', 'managed-policy-arn', ('AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::Serverless::Function'), (), False, True),
    ),
    'autofix.rules.dp.dp006_dangling_reference:DanglingReference': (
        ('DP006', 'dangling-reference', None, (), False, True),
    ),
    'autofix.rules.dp.dp007_getatt_unknown_attribute:GetattUnknownAttribute': (
        ('DP007', 'getatt-unknown-attribute', None, (), False, True),
    ),
    'autofix.rules.dp.dp008_s3_bucket_acl:S3BucketAcl': (
        ('DP008', 's3-bucket-acl', ('AWS::S3::Bucket',), (), False, True),
    ),
    'autofix.rules.dp.dp009_iam_unknown_action:IamUnknownAction': (
        ('DP009', 'iam-unknown-action', None, (), False, True),
    ),
    'autofix.rules.dp.dp010_sub_shell_variable:SubShellVariable': (
        ('DP010', 'sub-shell-variable', None, (), False, True),
    ),
    'autofix.rules.dp.dp011_backup_cold_storage:BackupColdStorage': (
        ('DP011', 'backup-cold-storage', ('AWS::Backup::BackupPlan',), (), False, True),
    ),
    'autofix.rules.dp.dp012_schedule_expression:ScheduleExpression': (
        ('DP012', 'schedule-expression', ('AWS::Events::Rule',), (), False, True),
    ),
    'autofix.rules.dp.dp013_parameter_definition:ParameterDefinition': (
        ('DP013', 'parameter-definition', None, (), False, True),
    ),
    'autofix.rules.dp.dp014_template_structure:TemplateStructure': (
        ('DP014', 'template-structure', None, (), False, True),
    ),
    'autofix.rules.dp.dp015_conditional_statement_element:ConditionalStatementElement': (
        ('DP015', 'conditional-statement-element', None, (), False, True),
    ),
    'autofix.rules.dp.dp016_sub_needed:SubNeeded': (
        ('DP016', 'sub-needed', None, (), False, True),
    ),
    'autofix.rules.dp.dp017_guardduty_data_sources:GuarddutyDataSources': (
        ('DP017', 'guardduty-data-sources', ('AWS::GuardDuty::Detector',), (), False, True),
    ),
    'autofix.rules.dp.dp018_lambda_reserved_environment:LambdaReservedEnvironment': (
        ('DP018', 'lambda-reserved-environment', ('AWS::Lambda::Function',), (), False, True),
    ),
    'autofix.rules.dp.dp019_undeclared_parameter:UndeclaredParameter': (
        ('DP019', 'undeclared-parameter', None, (), False, True),
    ),
    'autofix.rules.dp.dp020_duplicate_resource:DuplicateResource': (
        ('DP020', 'duplicate-resource', None, (), False, True),
    ),
    'autofix.rules.dp.dp021_rds_instance_class:RdsInstanceClass': (
        ('DP021', 'rds-instance-class', ('AWS::RDS::DBInstance',), (), False, True),
    ),
    'autofix.rules.dp.dp022_iam_condition_operator:IamConditionOperator': (
        ('DP022', 'iam-condition-operator', None, (), False, True),
    ),
    'autofix.rules.dp.dp023_backup_selection_conditions:BackupSelectionConditions': (
        ('DP023', 'backup-selection-conditions', ('AWS::Backup::BackupSelection',), (), False, True),
    ),
    'autofix.rules.dp.dp024_sam_property:SamProperty': (
        ('DP024', 'sam-property', ('AWS::Serverless::Api', 'AWS::Serverless::Function'), (), False, True),
    ),
    'autofix.rules.dr.dr001_s3_bucket_without_replication:S3BucketWithoutReplication': (
        ('DR001', 's3-bucket-without-replication', ('AWS::S3::Bucket',), (), True, True),
    ),
    'autofix.rules.dr.dr002_health_check_placeholder_endpoint:HealthCheckPlaceholderEndpoint': (
        ('DR002', 'health-check-placeholder-endpoint', ('AWS::Route53::HealthCheck',), (), False, True),
    ),
    'autofix.rules.dr.dr003_primary_api_missing:PrimaryApiMissing': (
        ('DR003', 'primary-api-missing', ('AWS::Amplify::App', 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::RestApi', 'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::DomainName', 'AWS::AppRunner::Service', 'AWS::AppSync::GraphQLApi', 'AWS::CloudFront::Distribution', 'AWS::EC2::EIP', 'AWS::EC2::Instance', 'AWS::ElasticBeanstalk::Environment', 'AWS::ElasticLoadBalancing::LoadBalancer', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::GlobalAccelerator::Accelerator', 'AWS::Lambda::Url', 'AWS::Lightsail::Instance', 'AWS::Route53::HealthCheck', 'AWS::Serverless::Api', 'AWS::Serverless::Function', 'AWS::Serverless::HttpApi'), (), True, True),
    ),
    'autofix.rules.dr.dr004_aurora_cluster_not_global:AuroraClusterNotGlobal': (
        ('DR004', 'aurora-cluster-not-global', ('AWS::RDS::DBCluster',), (), True, True),
    ),
    'autofix.rules.dr.dr005_global_table_replica_sse:GlobalTableReplicaSse': (
        ('DR005', 'global-table-replica-sse', ('AWS::DynamoDB::GlobalTable',), (), False, True),
    ),
    'autofix.rules.dr.dr006_replication_destination_missing:ReplicationDestinationMissing': (
        ('DR006', 'replication-destination-missing', ('AWS::S3::Bucket',), (), False, True),
    ),
    'autofix.rules.dr.dr007_aurora_global_burstable_class:AuroraGlobalBurstableClass': (
        ('DR007', 'aurora-global-burstable-class', ('AWS::RDS::DBInstance',), (), False, True),
    ),
    'autofix.rules.dr.dr008_same_region_replication:SameRegionReplication': (
        ('DR008', 'same-region-replication', ('AWS::S3::Bucket',), (), True, True),
    ),
    'autofix.rules.dr.dr009_two_region_deploy_failure:TwoRegionDeployFailure': (
        ('DR009', 'two-region-deploy-failure', None, (), True, True),
    ),
    'autofix.rules.dr.dr010_api_failover_record_without_custom_domain:ApiFailoverRecordWithoutCustomDomain': (
        ('DR010', 'api-failover-record-without-custom-domain', ('AWS::Route53::RecordSet', 'AWS::Route53::RecordSetGroup'), (), False, True),
    ),
    'autofix.rules.dr.dr011_aurora_global_managed_password:AuroraGlobalManagedPassword': (
        ('DR011', 'aurora-global-managed-password', ('AWS::RDS::DBCluster',), (), False, True),
    ),
    'autofix.rules.hd.hd001_update_replace_policy_missing:UpdateReplacePolicyMissing': (
        ('HD001', 'update-replace-policy-missing', None, (), False, True),
    ),
    'autofix.rules.hd.hd002_stateful_resource_without_policy:StatefulResourceWithoutPolicy': (
        ('HD002', 'stateful-resource-without-policy', ('AWS::Cognito::UserPool', 'AWS::DocDB::DBCluster', 'AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::EC2::Volume', 'AWS::EFS::FileSystem', 'AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup', 'AWS::Elasticsearch::Domain', 'AWS::FSx::FileSystem', 'AWS::Neptune::DBCluster', 'AWS::OpenSearchService::Domain', 'AWS::QLDB::Ledger', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::Redshift::Cluster', 'AWS::S3::Bucket', 'AWS::Timestream::Database', 'AWS::Timestream::Table'), (), False, False),
    ),
    'autofix.rules.hd.hd003_hard_coded_availability_zone:HardCodedAvailabilityZone': (
        ('HD003', 'hard-coded-availability-zone', ('AWS::AutoScaling::AutoScalingGroup', 'AWS::DAX::Cluster', 'AWS::DMS::ReplicationInstance', 'AWS::EC2::Host', 'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::Subnet', 'AWS::EC2::Volume', 'AWS::EMR::Cluster', 'AWS::ElasticLoadBalancing::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::Glue::Connection', 'AWS::OpsWorks::Instance', 'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance'), (), False, True),
    ),
    'autofix.rules.hd.hd004_plain_secret:PlainSecret': (
        ('HD004', 'plain-secret', None, (), False, True),
    ),
    'autofix.rules.hd.hd005_invalid_bucket_name:InvalidBucketName': (
        ('HD005', 'invalid-bucket-name', ('AWS::S3::Bucket',), (), False, True),
    ),
    'autofix.rules.hd.hd006_required_key_pair:RequiredKeyPair': (
        ('HD006', 'required-key-pair', ('AWS::AutoScaling::LaunchConfiguration', 'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'), (), False, False),
    ),
    'autofix.rules.hd.hd007_hard_coded_ami:HardCodedAmi': (
        ('HD007', 'hard-coded-ami', ('AWS::AutoScaling::LaunchConfiguration', 'AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate'), (), False, False),
    ),
    'autofix.rules.hd.hd008_lambda_permission_source_account:LambdaPermissionSourceAccount': (
        ('HD008', 'lambda-permission-source-account', ('AWS::Lambda::Permission',), (), False, True),
    ),
    'autofix.rules.hy.hy001_needless_sub:NeedlessSub': (
        ('HY001', 'needless-sub', None, (), False, True),
    ),
    'autofix.rules.hy.hy002_redundant_depends_on:RedundantDependsOn': (
        ('HY002', 'redundant-depends-on', None, (), False, True),
    ),
    'autofix.rules.hy.hy003_unused_parameter:UNUSED_PARAMETER': (
        ('HY003', 'unused-parameter', None, (), False, True),
    ),
    'autofix.rules.hy.hy004_unused_condition:UNUSED_CONDITION': (
        ('HY004', 'unused-condition', None, (), False, True),
    ),
    'autofix.rules.hy.hy005_unused_mapping:UNUSED_MAPPING': (
        ('HY005', 'unused-mapping', None, (), False, True),
    ),
    'autofix.rules.sc.sc001_unknown_property:UnknownProperty': (
        ('SC001', 'unknown-property', None, (), False, True),
    ),
    'autofix.rules.sc.sc002_invalid_enum_value:InvalidEnumValue': (
        ('SC002', 'invalid-enum-value', None, (), False, True),
    ),
    'autofix.rules.sc.sc003_missing_required_property:MissingRequiredProperty': (
        ('SC003', 'missing-required-property', None, (), False, True),
    ),
    'autofix.rules.sc.sc004_unknown_resource_type:UnknownResourceType': (
        ('SC004', 'unknown-resource-type', None, (), False, True),
    ),
    'autofix.rules.sc.sc005_dependent_property_missing:DependentPropertyMissing': (
        ('SC005', 'dependent-property-missing', None, (), False, True),
    ),
    'autofix.rules.sc.sc006_wrong_value_type:WrongValueType': (
        ('SC006', 'wrong-value-type', None, (), False, True),
    ),
    'autofix.rules.sc.sc007_mutually_exclusive_properties:MutuallyExclusiveProperties': (
        ('SC007', 'mutually-exclusive-properties', None, (), False, True),
    ),
    'autofix.rules.sc.sc008_number_out_of_range:NumberOutOfRange': (
        ('SC008', 'number-out-of-range', None, (), False, True),
    ),
    'autofix.rules.sc.sc009_conditional_dependency:ConditionalDependency': (
        ('SC009', 'conditional-dependency', None, (), False, True),
    ),
}
