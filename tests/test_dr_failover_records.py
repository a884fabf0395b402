"""A fixed DR template never holds a health check that probes one thing in front of a record serving another.

Route53 answers with a failover record while its health check is healthy.  A fix that aims the
check at a working endpoint but leaves the record answering with a dead address turns the check
green in front of the dead record: Route53 keeps answering with it and never fails over.
"""

from __future__ import annotations

import json

import cfn_flip
import pytest
from corpus_cases import Case, all_cases

from autofix.pipeline import process_text
from autofix.rules.dr._records import guarded_records, healthy_before_other, serves
from autofix.settings import Settings
from autofix.template import Template

CASES = [c for c in all_cases() if c.output.exists()]


def _plain(text: str) -> Template:
    return Template(json.loads(cfn_flip.to_json(text.lstrip("\ufeff"))))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_no_fix_leaves_a_healthy_check_before_a_record_that_serves_something_else(case: Case) -> None:
    before = set(healthy_before_other(_plain(case.input.read_text(encoding="utf-8"))))
    after = set(healthy_before_other(_plain(case.output.read_text(encoding="utf-8"))))
    assert after <= before


@pytest.mark.parametrize("case", [c for c in all_cases() if c.path.parent.name.startswith(("DR002", "DR003"))
                                  or c.path.parent.name == "seed"], ids=lambda c: c.id)
def test_every_rule_combination_keeps_the_invariant(case: Case) -> None:
    text = case.input.read_text(encoding="utf-8")
    result = process_text(text, case.input.name, Settings(unsafe_fixes=True, dr="true"), fix=True)
    assert not result.errors
    if result.changed:
        assert set(healthy_before_other(_plain(result.fixed))) <= set(healthy_before_other(_plain(text)))


def test_the_invariant_sees_the_old_fix() -> None:
    # what DR002 used to write: the check on the API, the record still on its placeholder
    data = {"Resources": {
        "Api": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
        "Check": {"Type": "AWS::Route53::HealthCheck", "Properties": {"HealthCheckConfig": {
            "Type": "HTTPS",
            "FullyQualifiedDomainName": {"Fn::Sub": "${Api}.execute-api.${AWS::Region}.amazonaws.com"}}}},
        "Record": {"Type": "AWS::Route53::RecordSet", "Properties": {
            "Name": "api.corp.net", "Type": "CNAME", "Failover": "PRIMARY", "SetIdentifier": "p",
            "HealthCheckId": {"Fn::GetAtt": ["Check", "HealthCheckId"]}, "ResourceRecords": ["placeholder.corp.net"]}},
    }}
    assert healthy_before_other(Template(data)) == ["Check -> Record"]
    (record,) = guarded_records(Template(data), "Check")
    assert serves(Template(data), record).kind == "placeholder"
