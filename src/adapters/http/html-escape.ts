/**
 * Escapes text for HTML and SVG content and attribute values. Group, member and client ids are
 * client-controlled strings: every one of them goes through this before it reaches a page.
 */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
