import type { Element, ElementContent, Root } from "hast";
import { toText } from "hast-util-to-text";
import { common, createLowlight } from "lowlight";
import { visit } from "unist-util-visit";

/**
 * Code highlighting for fenced blocks with a language. rehype-highlight builds a new highlighter (all of
 * highlight.js's common languages) for every rendered message, which made a 1,000-message conversation
 * take seconds to render; this one highlighter is built once per process and shared.
 */
const lowlight = createLowlight(common);

export function rehypeSharedHighlight() {
  return (tree: Root) => {
    visit(tree, "element", (node: Element, _index, parent) => {
      if (node.tagName !== "code" || !parent || (parent as Element).tagName !== "pre") return;
      const classes = Array.isArray(node.properties?.className) ? node.properties.className.map(String) : [];
      const lang = classes.find((c) => c.startsWith("language-"))?.slice("language-".length);
      if (!lang || !lowlight.registered(lang)) return;
      try {
        const result = lowlight.highlight(lang, toText(node, { whitespace: "pre" }));
        node.properties = { ...node.properties, className: [...classes, "hljs"] };
        node.children = result.children as ElementContent[];
      } catch {
        // Leave the block as plain text.
      }
    });
  };
}
