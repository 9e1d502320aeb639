// Nämndbok in the browser. Fava imports this module once and calls `onPageLoad` after every
// page (its own and ours) and `onExtensionPageLoad` after ours. The parts are ES modules in
// namndbok_fava/static/, served by the extension's `statisk` endpoint and loaded when first needed.

/** One of our static files, by name, beside this module's URL. */
export function staticUrl(file) {
  return new URL(`../extension/Namndbok/statisk?fil=${encodeURIComponent(file)}`, import.meta.url).href;
}

const part = (file) => import(staticUrl(file));

export default {
  onPageLoad() { part("svenska.js").then(({ svenska }) => svenska(document)); },
  onExtensionPageLoad() { part("diagram.js").then((m) => m.drawAll(document, staticUrl)); },
};
