"""Griffe extension for the API reference: Sphinx roles in docstrings become links.

stridelab's docstrings use Sphinx roles (:class:`~stridelab.io.recording.Recording`,
:func:`analyze`, :meth:`Pipeline.run`, :data:`PRESETS`, :mod:`stridelab.io.frame`) and
end a paragraph with ``::`` before a literal block. mkdocstrings renders Markdown, so this
extension rewrites each role into an *optional* autorefs cross-reference: a link where the
target is documented, plain code where it is not (no warning, so ``mkdocs build --strict``
stays clean), and ``::`` into ``:``. Short names are resolved from the
docstring's own scope (its class, module, and their imports).

Loaded by ``mkdocs.yml`` (``plugins: mkdocstrings: handlers: python: options: extensions``);
excluded from the built site.
"""

from __future__ import annotations

import html
import re

import griffe

from stridelab import _LAZY  # the top-level names, imported from their modules on first use

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|mod|attr|exc|obj|const):`(~?)([^`<>]+)`")


def _resolve(obj: griffe.Object, name: str) -> str:
    """The full path of ``name`` as seen from ``obj`` (``name`` itself when unknown)."""
    top, _, short = name.partition(".")
    if top == "stridelab" and short in _LAZY:
        return f"{_LAZY[short]}.{short}"
    head, _, rest = name.partition(".")
    scope = obj
    while scope is not None:
        try:
            base = scope.resolve(head)
        except Exception:  # noqa: BLE001 - griffe raises NameResolutionError and others
            scope = scope.parent
            continue
        return f"{base}.{rest}" if rest else base
    return name


def _rewrite(obj: griffe.Object, text: str) -> str:
    def link(match: re.Match) -> str:
        tilde, target = match.groups()
        target = target.strip().rstrip("()")
        shown = target.rsplit(".", 1)[-1] if tilde else target
        identifier = _resolve(obj, target)
        return (f'<autoref identifier="{html.escape(identifier)}" optional>'
                f"<code>{html.escape(shown)}</code></autoref>")

    text = ROLE.sub(link, text)
    return re.sub(r"(\S)::\n([ \t]*\n)", r"\1:\n\2", text)  # reST "text::" before a block


class SphinxRoles(griffe.Extension):
    """Rewrite the Sphinx roles of every loaded docstring (see the module docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs) -> None:  # noqa: D102
        todo: list[griffe.Object] = [pkg]
        while todo:  # once the whole package is loaded, so that every name resolves
            obj = todo.pop()
            if obj.docstring is not None and obj.docstring.value:
                obj.docstring.value = _rewrite(obj, obj.docstring.value)
            todo += [m for m in obj.members.values() if not m.is_alias]
