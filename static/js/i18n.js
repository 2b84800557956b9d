// Translated strings: t("key", {name: value}) fills {name} placeholders. The page
// arrives with the server's choice embedded; other languages load on demand.
const embedded = document.getElementById("lab-strings");
let strings = JSON.parse(embedded.textContent);
let current = embedded.dataset.lang;

export function language() {
  return current;
}

/** Switch to `lang`, rewrite the marked markup and set <html lang>. */
export async function setLanguage(lang) {
  if (lang !== current) {
    const response = await fetch(`/static/i18n/${lang}.json`);
    if (!response.ok) throw new Error(`no strings for ${lang}`);
    strings = await response.json();
    current = lang;
  }
  document.documentElement.lang = lang;
  translatePage();
}

export function t(key, params = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? params[name] : `{${name}}`));
}

/** Rewrite every element marked data-i18n="key" (and data-i18n-attr="attr:key;..."). */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of node.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      node.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
