"""Rich text of a notice, sanitised whatever path it arrives by (the editor, the API, a
script): only a small set of text elements survives, scripts and styles are dropped with
their content, event handlers and ``javascript:`` links are removed."""

from __future__ import annotations

from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url

DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"}
)
_TEXT_ELEMENTS = ("p", "br", "h2", "h3", "h4", "b", "strong", "i", "em", "ol", "ul", "li", "hr")


class NoticeWhitelister(Whitelister):
    element_rules = {
        "[document]": allow_without_attributes,
        **dict.fromkeys(_TEXT_ELEMENTS, allow_without_attributes),
        # Wagtail's stored link format (linktype/id) is kept so page links still resolve.
        "a": attribute_rule({"href": check_url, "linktype": True, "id": True}),
    }

    def clean_tag_node(self, doc, tag):
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            return
        if tag.name == "div":
            tag.name = "p"
        super().clean_tag_node(doc, tag)


_whitelister = NoticeWhitelister()


def sanitise_html(html: str) -> str:
    return _whitelister.clean(html or "")
