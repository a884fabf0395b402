"""HD007 hard-coded-ami."""

from __future__ import annotations

from rule_harness import findings

from autofix.rules.hd.hd007_hard_coded_ami import HardCodedAmi
from autofix.settings import Settings

S = Settings()


def ami_check(props, **extra):
    data = {"Resources": {"I": {"Type": "AWS::EC2::Instance", "Properties": props}}, **extra}
    return findings(HardCodedAmi(), data, S)


def test_family_from_user_data_and_graviton():
    (f,) = ami_check({"ImageId": "ami-0123456789abcdef0", "InstanceType": "c7g.large",
                      "UserData": {"Fn::Base64": "dnf install -y nginx # Amazon Linux 2023"}})
    assert f.fix.operations[0]["path"] == "/Parameters"
    param = f.fix.operations[0]["value"]["LatestArmAmiId"]
    assert param["Default"] == "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    assert f.fix.operations[1]["value"] == {"Ref": "LatestArmAmiId"}


def test_unknown_or_mixed_family_is_reported_only():
    (f,) = ami_check({"ImageId": "ami-0123456789abcdef0"})
    assert f.fix is None
    (g,) = ami_check({"ImageId": "ami-0123456789abcdef0"}, Description="Amazon Linux 2 or Ubuntu")
    assert g.fix is None


def test_existing_ssm_parameter_is_reused():
    path = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"
    params = {"Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": path}}
    (f,) = ami_check({"ImageId": "ami-0123456789abcdef0"}, Parameters=params, Description="amzn2 hosts")
    assert f.fix.operations == ({"op": "replace", "path": "/Resources/I/Properties/ImageId", "value": {"Ref": "Ami"}},)
