"""SC001 unknown-property: which fix each kind of unknown property gets."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.sc.sc001_unknown_property import UnknownProperty
from autofix.settings import Settings

RULE = UnknownProperty()


def check(resources):
    return findings(RULE, {"Resources": resources}, Settings())


def one(type_name, props):
    (finding,) = check({"R": {"Type": type_name, "Properties": props}})
    return finding


def test_case_only_rename_is_safe():
    f = one("AWS::Config::ConfigurationRecorder", {"RoleArn": "arn:aws:iam::123456789012:role/c"})
    assert f.fix.operations == ({"op": "move", "from": "/Resources/R/Properties/RoleArn",
                                 "path": "/Resources/R/Properties/RoleARN"},)
    assert f.fix.applicability.value == "safe"


def test_no_rename_onto_an_existing_property():
    f = one("AWS::Config::ConfigurationRecorder", {"RoleArn": "a", "RoleARN": "b"})
    assert f.fix.operations == ({"op": "remove", "path": "/Resources/R/Properties/RoleArn"},)
    assert f.fix.applicability.value == "unsafe"


def test_table_rename_wrap_and_unwrap():
    f = one("AWS::Lambda::Function", {"Role": "r", "Code": {"ZipFile": "x"}, "Tracing": "Active"})
    assert f.fix.operations[0] == {"op": "add", "path": "/Resources/R/Properties/TracingConfig",
                                    "value": {"Mode": "Active"}}
    f = one("AWS::EC2::FlowLog", {"ResourceIds": [{"Ref": "Vpc"}], "ResourceType": "VPC", "TrafficType": "ALL"})
    assert f.fix.operations[0] == {"op": "add", "path": "/Resources/R/Properties/ResourceId",
                                    "value": {"Ref": "Vpc"}}
    # two resource ids cannot become one: no table fix, and the property goes only as an unsafe fix
    f = one("AWS::EC2::FlowLog", {"ResourceIds": ["a", "b"], "ResourceType": "VPC", "TrafficType": "ALL"})
    assert f.fix.applicability.value == "unsafe"


def test_nesting_groups_siblings_into_a_new_parent():
    found = check({"H": {"Type": "AWS::Route53::HealthCheck",
                         "Properties": {"Type": "HTTPS", "Port": 443, "FullyQualifiedDomainName": "a.b.net"}}})
    assert {f.pointer for f in found} == {"/Resources/H/Properties/Type", "/Resources/H/Properties/Port",
                                         "/Resources/H/Properties/FullyQualifiedDomainName"}
    ops = found[0].fix.operations
    assert ops[0] == {"op": "add", "path": "/Resources/H/Properties/HealthCheckConfig",
                       "value": {"Type": "HTTPS", "Port": 443, "FullyQualifiedDomainName": "a.b.net"}}
    assert all(f.fix.applicability.value == "safe" for f in found)


def test_nesting_into_an_existing_parent():
    f = one("AWS::Route53::HealthCheck", {"HealthCheckConfig": {"Type": "HTTPS"}, "Port": 443})
    assert f.fix.operations == ({"op": "move", "from": "/Resources/R/Properties/Port",
                                 "path": "/Resources/R/Properties/HealthCheckConfig/Port"},)


def test_nested_levels_and_fn_if_branches():
    props = {"BucketEncryption": {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"Fn::If": ["C", {"SSEAlgorithm": "aws:kms", "KmsMasterKeyId": "k"},
                                                      {"SSEAlgorithm": "AES256"}]}}]}}
    f = one("AWS::S3::Bucket", props)
    assert f.pointer == ("/Resources/R/Properties/BucketEncryption/ServerSideEncryptionConfiguration/0/"
                         "ServerSideEncryptionByDefault/Fn::If/1/KmsMasterKeyId")
    assert f.fix.operations[0]["path"].endswith("/Fn::If/1/KMSMasterKeyID")


def test_guess_needs_a_fitting_type_and_is_unsafe():
    f = one("AWS::Events::Rule", {"ScheduleExpression": "rate(1 day)", "Targets": [
        {"Id": "t", "Arn": "arn:aws:sns:us-east-1:123456789012:t", "RetryPolicy": {"MaximumEventAge": 60}}]})
    assert f.fix.operations[0]["path"].endswith("/RetryPolicy/MaximumEventAgeInSeconds")
    assert f.fix.applicability.value == "unsafe"


def test_removal_is_the_last_resort_always_unsafe_and_says_what_is_lost():
    found = check({"P": {"Type": "AWS::SSM::Parameter",
                         "Properties": {"Type": "String", "Value": "v", "Comment": "c", "KmsKeyId": "k"}}})
    by_key = {f.pointer.rsplit("/", 1)[1]: f.fix.applicability.value for f in found}
    assert by_key == {"Comment": "unsafe", "KmsKeyId": "unsafe"}
    assert all("removing it drops the value" in f.message and len(f.message) <= 160 for f in found)


def test_a_misplaced_wrapper_moves_its_settings_where_the_schema_has_them():
    alarm = {"Name": "a", "Region": "us-east-1"}
    (found,) = check({"H": {"Type": "AWS::Route53::HealthCheck", "Properties": {
        "HealthCheckConfig": {"Type": "CLOUDWATCH_METRIC"}, "Config": {"AlarmIdentifier": alarm}}}})
    assert found.fix.applicability.value == "safe"
    assert found.fix.operations == (
        {"op": "move", "from": "/Resources/H/Properties/Config/AlarmIdentifier",
         "path": "/Resources/H/Properties/HealthCheckConfig/AlarmIdentifier"},
        {"op": "remove", "path": "/Resources/H/Properties/Config"})
    # absent, the sub-object is the wrapper renamed
    (found,) = check({"H": {"Type": "AWS::Route53::HealthCheck", "Properties": {
        "Config": {"AlarmIdentifier": alarm, "Type": "CLOUDWATCH_METRIC"}}}})
    assert found.fix.operations == ({"op": "move", "from": "/Resources/H/Properties/Config",
                                     "path": "/Resources/H/Properties/HealthCheckConfig"},)
    # settings of the object itself, wrapped: they move up
    (found,) = check({"B": {"Type": "AWS::SNS::Topic", "Properties": {"Settings": {"TopicName": "t"}}}})
    assert [op["op"] for op in found.fix.operations] == ["move", "remove"]


def test_a_removal_takes_the_objects_it_leaves_empty_unless_required():
    (found,) = check({"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "b", "NotificationConfiguration": {
        "CloudWatchConfigurations": [{"Event": "s3:ObjectCreated:*"}]}}}})
    assert found.fix.operations == ({"op": "remove", "path": "/Resources/B/Properties/NotificationConfiguration"},)
    assert "its 1 entry and the NotificationConfiguration it leaves empty" in found.message


def test_valid_open_custom_and_novalue_are_left_alone():
    assert check({"B": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "x", "Tags": []}},
                  "C": {"Type": "Custom::X", "Properties": {"Whatever": 1}},
                  "S": {"Type": "AWS::Serverless::Function", "Properties": {"Whatever": 1}},
                  "N": {"Type": "AWS::S3::Bucket", "Properties": {"Oops": {"Ref": "AWS::NoValue"}}},
                  "I": {"Type": "AWS::S3::Bucket", "Properties": {"Fn::If": ["C", {}, {}]}},
                  "U": {"Type": "AWS::Nope::Thing", "Properties": {"X": 1}}}) == []


def test_lifecycle_transition_keys_nest_into_transition():
    found = check({"B": {"Type": "AWS::S3::Bucket", "Properties": {"LifecycleConfiguration": {"Rules": [
        {"Status": "Enabled", "TransitionInDays": 30, "StorageClass": "GLACIER"}]}}}})
    assert len(found) == 2
    assert found[0].fix.operations[0] == {
        "op": "add", "path": "/Resources/B/Properties/LifecycleConfiguration/Rules/0/Transition",
        "value": {"TransitionInDays": 30, "StorageClass": "GLACIER"}}


STAGE = {"RestApiId": {"Ref": "Api"}, "DeploymentId": {"Ref": "Deployment"}, "StageName": "prod"}
ALL_METHODS = {"ResourcePath": "/*", "HttpMethod": "*"}


def test_stage_throttling_joins_the_all_methods_setting_keeping_other_items():
    other = {"ResourcePath": "/orders", "HttpMethod": "GET", "MetricsEnabled": True}
    f = one("AWS::ApiGateway::Stage", {**STAGE, "ThrottleSettings": {"RateLimit": 10, "BurstLimit": 20},
                                       "MethodSettings": [other, {**ALL_METHODS, "LoggingLevel": "INFO"}]})
    base = "/Resources/R/Properties"
    assert f.fix.operations == (
        {"op": "move", "from": f"{base}/ThrottleSettings/RateLimit",
         "path": f"{base}/MethodSettings/1/ThrottlingRateLimit"},
        {"op": "move", "from": f"{base}/ThrottleSettings/BurstLimit",
         "path": f"{base}/MethodSettings/1/ThrottlingBurstLimit"},
        {"op": "remove", "path": f"{base}/ThrottleSettings"})
    assert f.fix.applicability.value == "safe"
    assert "MethodSettings for all methods as ThrottlingRateLimit and ThrottlingBurstLimit" in f.message


def test_stage_setting_already_there_with_the_same_value_is_dropped_with_another_value_it_is_not_moved():
    same = one("AWS::ApiGateway::Stage", {**STAGE, "CachingEnabled": True,
                                          "MethodSettings": [{**ALL_METHODS, "CachingEnabled": True}]})
    assert same.fix.operations == ({"op": "remove", "path": "/Resources/R/Properties/CachingEnabled"},)
    assert same.fix.applicability.value == "safe"
    other = one("AWS::ApiGateway::Stage", {**STAGE, "CachingEnabled": True,
                                           "MethodSettings": [{**ALL_METHODS, "CachingEnabled": False}]})
    assert other.fix.applicability.value == "unsafe"  # the author must choose: no silent override
    assert "MethodSettings" not in other.message


def test_throttle_settings_with_an_unknown_entry_are_not_moved():
    f = one("AWS::ApiGatewayV2::Stage", {"ApiId": "a", "StageName": "s",
                                         "ThrottleSettings": {"RateLimit": 1, "Quota": 5}})
    assert f.fix.applicability.value == "unsafe"
    assert not any(op.get("path", "").endswith("DefaultRouteSettings") for op in f.fix.operations)
