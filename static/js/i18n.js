// Translated strings: t("key", {name: value}) fills {name} placeholders. The page arrives
// with the server's choice embedded: only the strings its first render can use
// (data-partial, app/page_modules.py); allStrings() fetches the rest when a part of the
// page loads (once.js). Other languages load whole, on demand.
const embedded = document.getElementById("lab-strings");
let strings = JSON.parse(embedded.textContent);
let current = embedded.dataset.lang;
let whole = !("partial" in embedded.dataset);
let fetching = null; // the whole file of `current` on its way

export function language() {
  return current;
}

/** Every string of `lang`, from the same (versioned) place as this module. */
async function fetchStrings(lang) {
  const response = await fetch(new URL(`../i18n/${lang}.json`, import.meta.url));
  if (!response.ok) throw new Error(`no strings for ${lang}`);
  return response.json();
}

/** Make sure every string of the current language is here (a part of the page needs it). */
export async function allStrings() {
  if (whole) return;
  const lang = current;
  fetching ??= fetchStrings(lang).finally(() => (fetching = null));
  const all = await fetching;
  if (lang === current && !whole) [strings, whole] = [all, true];
}

/** Switch to `lang`, rewrite the marked markup and set <html lang>. */
export async function setLanguage(lang) {
  if (lang !== current) {
    const all = await fetchStrings(lang);
    [strings, current, whole] = [all, lang, true];
  } else {
    await allStrings(); // the page's markup uses more strings than its first render
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
