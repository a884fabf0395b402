"""The resource dependency graph CloudFormation orders a stack by, and its cycles.

An edge ``A -> B`` exists when resource ``A`` references resource ``B`` with Ref,
Fn::GetAtt or a Fn::Sub variable anywhere in its definition, or names it in
``DependsOn``.  Cycles are the strongly connected components with more than one
member, or one member that references itself.
"""

from __future__ import annotations

from typing import Any

from autofix.intrinsics import references
from autofix.template import depends_on, depends_on_entries


def dependency_graph(resources: dict[str, Any],
                     known: dict[str, frozenset[str]] | None = None) -> dict[str, set[str]]:
    """``known``: the references of each resource when already computed (the rule context's
    reference graph; DependsOn holds names, not references, so it is the same set)."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        plain_depends = len(depends_on(resource)) == len(depends_on_entries(resource))
        if known is not None and logical_id in known and plain_depends:
            found = known[logical_id]
        else:
            found = references({k: v for k, v in resource.items() if k != "DependsOn"})
        edges = {r for r in found if r in resources}
        edges.update(d for d in depends_on(resource) if d in resources)
        graph[logical_id] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components that form cycles, members in graph (template) order."""
    order = {node: i for i, node in enumerate(graph)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        # iterative Tarjan
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ()), key=lambda n: order.get(n, 0)))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in graph:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()), key=lambda n: order.get(n, 0))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component, key=lambda n: order[n]))
    return sorted(found, key=lambda c: order[c[0]])


def is_acyclic(graph: dict[str, set[str]]) -> bool:
    return not cycles(graph)


def reaches(graph: dict[str, set[str]], start: str, goal: str, avoid: str | None = None) -> bool:
    """Whether ``goal`` can be reached from ``start`` along the graph's edges (not through ``avoid``):
    a fix that adds the edge ``goal -> start`` would then close a cycle."""
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in graph.get(node, ()):
            if nxt not in seen and nxt != avoid:
                seen.add(nxt)
                stack.append(nxt)
    return False
