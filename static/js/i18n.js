// Translated strings: t("key", {name: value}) fills {name} placeholders.
let strings = {};

export async function loadLanguage(lang) {
  const response = await fetch(`/static/i18n/${lang}.json`);
  strings = await response.json();
  document.documentElement.lang = lang;
  return strings;
}

export function t(key, params = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? params[name] : `{${name}}`));
}

/** Rewrite every element marked data-i18n="key" (and data-i18n-attr="aria-label:key"). */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      node.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
