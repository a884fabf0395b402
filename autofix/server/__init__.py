"""``autofix server``: a Language Server Protocol server over standard input and output.

Editors get autofix's findings as diagnostics while templates are typed, a quick fix per
finding, a fix-all source action and a "disable this rule for this resource" action.
Needs the ``autofix[server]`` extra (pygls and lsprotocol).  Modules: ``documents`` (open
documents and LSP positions), ``configuration`` (settings per document), ``analysis``
(the engine on one version), ``engine`` (the processes it runs in), ``diagnostics``,
``actions`` (code actions), ``textedits`` (minimal edits), ``protocol`` (pygls glue) and
``server`` (state and handlers).
"""
