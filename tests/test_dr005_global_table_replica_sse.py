"""DR005 global-table-replica-sse: detector and generator edge cases."""

from __future__ import annotations

from rule_harness import applied, findings

from autofix.rules.dr.dr005_global_table_replica_sse import GlobalTableReplicaSse, key_verdict
from autofix.settings import Settings
from autofix.template import Template

RULE = GlobalTableReplicaSse()
S = Settings()
KEY = {"Type": "AWS::KMS::Key", "Properties": {}}
HERE = {"Ref": "AWS::Region"}


def table(replicas, sse=None):
    props = {"KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}], "Replicas": replicas}
    if sse is not None:
        props["SSESpecification"] = sse
    return {"Type": "AWS::DynamoDB::GlobalTable", "Properties": props}


def replica(region, key=None):
    out = {"Region": region}
    if key is not None:
        out["SSESpecification"] = {"KMSMasterKeyId": key}
    return out


def check(t, settings=S, **extra):
    return findings(RULE, {"Resources": {"Key": KEY, "T": t}, **extra}, settings)


def ops(finding):
    return [(op["op"], op["path"]) for op in finding.fix.operations]


def fixed(t, settings=S, **extra):
    data = {"Resources": {"Key": KEY, "T": t}, **extra}
    (f,) = findings(RULE, data, settings)
    return f, applied(data, [f])


def keys(data):
    return [r.get("SSESpecification", {}).get("KMSMasterKeyId") for r in data["Resources"]["T"]["Properties"][
        "Replicas"]]


def test_a_stack_key_on_two_regions_becomes_a_key_of_each_region_never_the_aws_managed_one():
    f, after = fixed(table([replica("us-east-1", {"Ref": "Key"}), replica("us-west-2", {"Ref": "Key"})]))
    # a customer managed key is never silently swapped for the AWS managed key: unsafe, a key per region
    assert f.fix.applicability.value == "unsafe"
    assert f.pointer == "/Resources/T/Properties/Replicas/0/SSESpecification"
    assert "ReplicaSSESpecification and SSEType must be null" in f.detail
    assert after["Resources"]["T"]["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert keys(after) == [{"Ref": "TUsEast1KeyArn"}, {"Ref": "TUsWest2KeyArn"}]
    parameter = after["Parameters"]["TUsWest2KeyArn"]
    assert parameter["Type"] == "String" and "Default" not in parameter and "us-west-2" in parameter["Description"]
    assert "silently replace customer managed keys" in f.detail


def test_keys_in_their_own_regions_are_kept():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/abc"
    (f,) = check(table([replica(HERE, {"Fn::GetAtt": ["Key", "Arn"]}), replica("eu-west-1", arn)]))
    assert ops(f) == [("add", "/Resources/T/Properties/SSESpecification")]


def test_primary_region_setting_identifies_the_stack_region():
    t = table([replica("us-east-1", {"Ref": "Key"}), replica("eu-west-1", "arn:aws:kms:eu-west-1:1:key/a")])
    _, after = fixed(t)
    assert keys(after) == [{"Ref": "TUsEast1KeyArn"}, "arn:aws:kms:eu-west-1:1:key/a"]
    (g,) = check(t, Settings(primary_region="us-east-1"))
    assert len(ops(g)) == 1


def test_arn_of_another_region_is_rejected():
    f, after = fixed(table([replica("eu-west-1", "arn:aws:kms:us-east-1:1:key/a"),
                            replica("us-east-1", "arn:aws:kms:us-east-1:1:key/b")]))
    assert "eu-west-1" in f.detail
    assert keys(after) == [{"Ref": "TEuWest1KeyArn"}, "arn:aws:kms:us-east-1:1:key/b"]


def test_mixing_managed_and_customer_keys_or_missing_keys():
    f, after = fixed(table([replica(HERE, "alias/aws/dynamodb"), replica("eu-west-1", "alias/mine")]))
    assert "cannot be mixed" in f.detail
    assert keys(after) == [{"Ref": "TAWSRegionKeyArn"}, "alias/mine"]
    g, after = fixed(table([replica(HERE, "alias/mine"), replica("eu-west-1")]))
    assert "some replicas have no key" in g.detail
    assert keys(after) == ["alias/mine", {"Ref": "TEuWest1KeyArn"}]
    (h,) = check(table([replica(HERE, "alias/aws/dynamodb"), replica("eu-west-1")]))
    assert ops(h) == [("add", "/Resources/T/Properties/SSESpecification")]


def test_existing_table_sse_is_completed_not_replaced():
    (f,) = check(table([replica(HERE, "alias/k")], {"SSEEnabled": "false"}))
    assert ops(f) == [("replace", "/Resources/T/Properties/SSESpecification/SSEEnabled"),
                      ("add", "/Resources/T/Properties/SSESpecification/SSEType")]
    (g,) = check(table([replica(HERE, "alias/k")], {"SSEEnabled": True}))
    assert ops(g) == [("add", "/Resources/T/Properties/SSESpecification/SSEType")]


def test_correct_tables_and_intrinsics_are_quiet():
    kms = {"SSEEnabled": True, "SSEType": "KMS"}
    assert check(table([replica(HERE, {"Ref": "Key"})], kms)) == []
    assert check(table([replica(HERE), replica("eu-west-1")])) == []
    assert check(table([replica(HERE, {"Ref": "Key"})], {"Fn::If": ["C", kms, {"Ref": "AWS::NoValue"}]})) == []
    assert check(table({"Fn::If": ["C", [replica(HERE, "k")], [replica(HERE)]]})) == []
    assert check(table([replica(HERE, "k")], {"SSEEnabled": {"Ref": "Enabled"}})) == []


def test_conditional_replica_sse_only_gets_table_level_kms():
    r = {"Region": HERE, "SSESpecification": {"Fn::If": ["C", {"KMSMasterKeyId": "k"}, {"Ref": "AWS::NoValue"}]}}
    (f,) = check(table([r]))
    assert ops(f) == [("add", "/Resources/T/Properties/SSESpecification")]


def test_table_level_key_moved_or_replaced_by_a_key_of_each_region():
    f, after = fixed(table([replica(HERE), replica("us-west-2")],
                           {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Ref": "Key"}}))
    assert f.pointer == "/Resources/T/Properties/SSESpecification/KMSMasterKeyId"
    assert f.fix.applicability.value == "unsafe"
    assert after["Resources"]["T"]["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    # the stack's key serves the replica of the stack's region; the other region gets a key of its own
    assert keys(after) == [{"Ref": "Key"}, {"Ref": "TUsWest2KeyArn"}]
    (g,) = check(table([replica(HERE)], {"SSEEnabled": True, "KMSMasterKeyID": {"Ref": "Key"}}))
    assert ops(g) == [("add", "/Resources/T/Properties/SSESpecification/SSEType"),
                      ("remove", "/Resources/T/Properties/SSESpecification/KMSMasterKeyID"),
                      ("add", "/Resources/T/Properties/Replicas/0/SSESpecification")]


def test_valid_keys_with_table_kms_but_bad_region_are_removed():
    kms = {"SSEEnabled": True, "SSEType": "KMS"}
    f, after = fixed(table([replica(HERE, {"Ref": "Key"}), replica("eu-west-1", {"Ref": "Key"})], kms))
    assert "cannot all be used" in f.message
    assert keys(after) == [{"Ref": "Key"}, {"Ref": "TEuWest1KeyArn"}]


def test_key_verdicts():
    t = Template({"Parameters": {"Sec": {"Type": "String", "Default": "us-west-2"}}, "Resources": {"Key": KEY}})
    sub = {"Fn::Sub": "arn:${AWS::Partition}:kms:${Sec}:${AWS::AccountId}:key/x"}
    assert key_verdict(t, sub, {"Ref": "Sec"}, S) == ("ok", "cmk")
    assert key_verdict(t, sub, "us-west-2", S) == ("ok", "cmk")
    assert key_verdict(t, sub, "eu-west-1", S) == ("bad", "cmk")
    region_sub = {"Fn::Sub": "arn:aws:kms:${AWS::Region}:1:key/x"}
    assert key_verdict(t, region_sub, HERE, S)[0] == "ok"
    assert key_verdict(t, region_sub, "eu-west-1", S)[0] == "bad"
    assert key_verdict(t, {"Fn::ImportValue": "k"}, "eu-west-1", S)[0] == "bad"
    assert key_verdict(t, {"Ref": "Sec"}, "eu-west-1", S)[0] == "unknown"
    assert key_verdict(t, "arn:aws:kms:us-east-1:1:alias/aws/dynamodb", "x", S) == ("ok", "managed")


def test_messy_shapes_do_not_crash():
    res = {"A": {"Type": "AWS::DynamoDB::GlobalTable"},
           "B": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"Replicas": "x", "SSESpecification": 3}},
           "C": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"Replicas": [None, 1]}},
           "D": {"Type": "AWS::DynamoDB::GlobalTable", "Properties": {"Replicas": [{"SSESpecification": None}]}}}
    got = findings(RULE, {"Resources": res}, S)
    assert [f.resource for f in got] == ["D"]


# -- replicas inside Fn::If (a conditional third region): plain replicas and both branches are judged


def conditional(branch, other=None):
    return {"Fn::If": ["HasThirdRegion", branch, other or {"Ref": "AWS::NoValue"}]}


def test_conditional_replica_is_judged_with_the_plain_ones():
    t = table([replica(HERE, {"Ref": "Key"}), replica("us-west-2", {"Ref": "Key"}),
               conditional(replica("eu-west-1", {"Ref": "Key"}))])
    _, after = fixed(t)
    replicas = after["Resources"]["T"]["Properties"]["Replicas"]
    assert replicas[0]["SSESpecification"] == {"KMSMasterKeyId": {"Ref": "Key"}}
    assert replicas[1]["SSESpecification"] == {"KMSMasterKeyId": {"Ref": "TUsWest2KeyArn"}}
    assert replicas[2]["Fn::If"][1]["SSESpecification"] == {"KMSMasterKeyId": {"Ref": "TEuWest1KeyArn"}}


def test_only_the_conditional_replica_has_a_key():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/abc"
    t = table([replica(HERE), conditional(replica("eu-west-1", arn), replica("eu-central-1"))])
    f, after = fixed(t)
    assert f.pointer == "/Resources/T/Properties/Replicas/1/Fn::If/1/SSESpecification"
    # replicas without a key and a customer managed key cannot be mixed: the keyless ones get keys of their own
    replicas = after["Resources"]["T"]["Properties"]["Replicas"]
    assert replicas[0]["SSESpecification"] == {"KMSMasterKeyId": {"Ref": "TAWSRegionKeyArn"}}
    assert replicas[1]["Fn::If"][1]["SSESpecification"] == {"KMSMasterKeyId": arn}
    assert replicas[1]["Fn::If"][2]["SSESpecification"] == {"KMSMasterKeyId": {"Ref": "TEuCentral1KeyArn"}}


def test_conditional_keys_in_their_own_regions_only_need_table_kms():
    arn1 = "arn:aws:kms:eu-west-1:111122223333:key/abc"
    arn2 = "arn:aws:kms:us-west-2:111122223333:key/def"
    t = table([replica("us-west-2", arn2), conditional(replica("eu-west-1", arn1))])
    (f,) = check(t)
    assert ops(f) == [("add", "/Resources/T/Properties/SSESpecification")]


def test_conditional_replica_of_another_shape_is_left_alone():
    t = table([replica(HERE, {"Ref": "Key"}), {"Fn::If": ["C", {"Ref": "Param"}, {"Ref": "AWS::NoValue"}]}])
    assert check(t) == []
