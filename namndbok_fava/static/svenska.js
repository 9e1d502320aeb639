// Swedish where Fava 1.30's own Swedish ends.
//
// With `language sv` and `locale sv_SE` Fava still shows English: strings missing (or marked
// fuzzy, which gettext skips) in fava/translations/sv, texts Fava never translates (the journal's
// entry types, "(Last entry: …)"), and d3's English locale in the charts (month and weekday
// names, "−80.0M", "0.00"). Fava has no option to add to its catalog or to hide menu items, so
// this module does it in the page: `svenska(document)` translates what is there and, through one
// MutationObserver, whatever Fava draws later (page swaps, charts, tooltips on hover).
//
// All words are in the tables just below; the functions after them only apply the tables.

// ---------------------------------------------------------------------------------------------
// The words

/** Beancount's entry types as Fava names them (journal toggles, statistics). */
const ENTRY_TYPES = {
  Open: "Öppning",
  Close: "Stängning",
  Transaction: "Transaktion",
  Balance: "Saldo",
  Note: "Anteckning",
  Document: "Dokument",
  Pad: "Utfyllnad",
  Query: "Uppslag",
  Custom: "Anpassad",
  Commodity: "Handelsvara",
  Event: "Händelse",
  Price: "Pris",
};

/** Whole texts (a text node, a placeholder, a title, an aria-label), English → Swedish. */
const PHRASES = {
  ...ENTRY_TYPES,
  ...Object.fromEntries(Object.entries(ENTRY_TYPES).map(
    ([en, sv]) => [`Toggle ${en} entries`, `Visa eller dölj inlägg av typen ${sv}`])),
  "Toggle metadata": "Visa eller dölj metadata",
  "Toggle postings": "Visa eller dölj poster",
  "Filter by tag, payee, …": "Filtrera på etikett, mottagare, …",
  "Net Worth": "Nettoförmögenhet",
  "Account Balance": "Kontosaldo",
  "Other": "Övrigt",
  "Total": "Totalt",
  "(Last entry:": "(Senaste inlägg:",
  "Add Journal Entry": "Lägg till inlägg",
  "Show keyboard shortcuts": "Visa kortkommandon",
  "Journal of all entries for this Account and Sub-Accounts":
    "Huvudbok med alla inlägg för kontot och dess underkonton",
  "Stacked Bars": "Staplat stapeldiagram",
  "Single Bars": "Enkelt stapeldiagram",
  "Icicle": "Istappsdiagram",
  "Chart is empty.": "Diagrammet är tomt.",
  "No events.": "Inga händelser.",
  "from": "från", // a pad entry in the journal: "Konto from Konto"
  "…enter a BQL query. 'help' to list available commands.": "…skriv en BQL-fråga. 'help' listar kommandona.",
  "account": "konto",
  "count(account)": "antal",
  "Color scheme": "Färgschema",
  "⚙️ System": "⚙️ Som systemet",
  "🌙 Dark": "🌙 Mörkt",
  "☀️ Light": "☀️ Ljust",
  "Saving…": "Sparar…",
  "Deleting…": "Raderar…",
  "Duplicate": "Dubblett",
  "reload": "ladda om",
  "continue": "fortsätt",
  "Move": "Flytta",
  "ignore duplicate": "hoppa över dubblett",
  "Files": "Filer",
  "Documents folder": "Dokumentmapp",
  "Importable Files": "Filer som kan importeras",
  "Non-importable Files": "Filer som inte kan importeras",
  "Upload files for import": "Ladda upp filer för import",
  "No importers configured. See": "Inga importörer inställda. Se",
  "Help (Import)": "Hjälp (Import)",
  "for more information.": "för mer information.",
  "Unfold line": "Fäll ut raden",
  "Fold line": "Fäll ihop raden",
  ["Beancount data root directory\nShift-Click to expand/collapse immediate directories\n" +
    "Ctrl-/Cmd-/Meta-Click to expand/collapse all directories."]:
    "Liggarens mapp\nShift-klick: fäll ut eller ihop mapparna närmast under\n" +
    "Ctrl-/Cmd-/Meta-klick: fäll ut eller ihop alla mappar.",
  // Fava's own Swedish, where it says something else than it means
  "Uppdatera aktivitet": "Senaste uppdatering",
  "Kopiera balansdirektkiv": "Kopiera saldodirektiv",
  "Klicka för att kopiera balansdirektkiven för konotn (förutom de gröna) till urklipp.":
    "Klicka för att kopiera saldodirektiven för kontona (utom de gröna) till urklipp.",
  "Kostnad / Ändra": "Kostnad / Förändring",
};

/** Texts with a part that varies: [pattern, replacement]. */
const PATTERNS = [
  [/^Converted to (.+)$/, "Omräknat till $1"],
];

/** The journal's short entry types (Fava's _journal_table.html), in its 3rem column. */
const JOURNAL_FLAGS = {
  Open: "Öppn", Close: "Stäng", Bal: "Saldo", Doc: "Dok", Note: "Ant", cus: "Anp",
  pad: "Fyll", que: "Upps", eve: "Händ", pri: "Pris", com: "Vara",
};

/** Months and weekdays, d3's English names → Swedish (lower case, as Swedish writes them). */
const MONTHS = {
  January: "januari", February: "februari", March: "mars", April: "april", May: "maj",
  June: "juni", July: "juli", August: "augusti", September: "september", October: "oktober",
  November: "november", December: "december",
  Jan: "jan", Feb: "feb", Mar: "mars", Apr: "apr", Jun: "juni", Jul: "juli", Aug: "aug",
  Sep: "sep", Oct: "okt", Nov: "nov", Dec: "dec",
};
const WEEKDAYS = {
  Sunday: "söndag", Monday: "måndag", Tuesday: "tisdag", Wednesday: "onsdag",
  Thursday: "torsdag", Friday: "fredag", Saturday: "lördag",
  Sun: "sön", Mon: "mån", Tue: "tis", Wed: "ons", Thu: "tor", Fri: "fre", Sat: "lör",
};

/** Fava's reports that mean nothing to a committee: hidden from the menu (still reachable by URL). */
const HIDDEN_REPORTS = ["holdings", "commodities"];

// ---------------------------------------------------------------------------------------------
// Texts (pure functions: a string in, the Swedish string or the same string out)

/** A whole UI text in Swedish (surrounding white space kept); unknown texts unchanged. */
export function phrase(text) {
  const core = text.trim();
  if (Object.hasOwn(PHRASES, core)) return text.replace(core, () => PHRASES[core]);
  for (const [pattern, replacement] of PATTERNS) {
    if (pattern.test(core)) return text.replace(core, () => core.replace(pattern, replacement));
  }
  return text;
}

/** One of the journal's short entry types in Swedish. */
export function journalFlag(text) {
  const core = text.trim();
  return Object.hasOwn(JOURNAL_FLAGS, core) ? text.replace(core, () => JOURNAL_FLAGS[core]) : text;
}

const NAMES = { ...MONTHS, ...WEEKDAYS };
const NAME = new RegExp(`\\b(${Object.keys(NAMES).join("|")})\\b`, "g");
const MONTH_DAY = new RegExp(`^(${Object.keys(MONTHS).join("|")}) (\\d\\d?)$`); // d3's "%b %d"
const WEEKDAY_DAY = new RegExp(`^(${Object.keys(WEEKDAYS).join("|")}) (\\d\\d?)$`); // d3's "%a %d"
const HOUR = /^(\d\d?) (AM|PM)$/; // d3's "%I %p"

/** d3's English dates on a chart (axis ticks, tooltips) in Swedish: "Sat 03" → "lör 3",
 *  "Oct 05" → "5 okt", "May 2026" → "maj 2026", "April" → "april", "01 PM" → "13:00". */
export function chartDate(text) {
  const monthDay = MONTH_DAY.exec(text);
  if (monthDay) return `${Number(monthDay[2])} ${MONTHS[monthDay[1]]}`;
  const weekdayDay = WEEKDAY_DAY.exec(text);
  if (weekdayDay) return `${WEEKDAYS[weekdayDay[1]]} ${Number(weekdayDay[2])}`;
  const hour = HOUR.exec(text);
  if (hour) {
    const h = (Number(hour[1]) % 12) + (hour[2] === "PM" ? 12 : 0);
    return `${String(h).padStart(2, "0")}:00`;
  }
  return text.replace(NAME, (name) => NAMES[name]);
}

const SI = { y: -24, z: -21, a: -18, f: -15, p: -12, n: -9, "µ": -6, m: -3, "": 0,
  k: 3, M: 6, G: 9, T: 12, P: 15, E: 18, Z: 21, Y: 24 };
const SI_NUMBER = /^([−-]?)(\d+)(?:\.(\d+))?([yzafpnµmkMGTPEZY]?)$/;
const compact = new Map();

/** A y-axis tick of d3's ".3s" format the Swedish way, with as many significant digits:
 *  "−80.0M" → "−80,0 mn", "900M" → "900 mn", "1.50k" → "1,50 tn", "0.00" → "0,00",
 *  "500m" → "0,500". Anything else unchanged. */
export function axisNumber(text) {
  const match = SI_NUMBER.exec(text.trim());
  if (!match) return text;
  const [, sign, whole, fraction = "", suffix] = match;
  if (!fraction && !suffix) return text; // a whole number ("900", a year): Swedish already
  const digits = (whole + fraction).replace(/^0+/, "").length || whole.length + fraction.length;
  const significant = Math.min(21, Math.max(1, digits));
  const value = Number(`${sign ? "-" : ""}${whole}.${fraction || "0"}e${SI[suffix]}`);
  if (!compact.has(significant)) {
    compact.set(significant, new Intl.NumberFormat("sv-SE", {
      notation: "compact", minimumSignificantDigits: significant, maximumSignificantDigits: significant,
    }));
  }
  return compact.get(significant).format(value);
}

/** Other numbers on a chart: a decimal comma and a space before %: "(100.00%)" → "(100,00 %)". */
export function chartNumbers(text) {
  return text.replace(/(\d)\.(\d)/g, "$1,$2").replace(/(\d)%/g, "$1\u00a0%");
}

// ---------------------------------------------------------------------------------------------
// The page

/** Where a text sits, which decides how it is translated. */
const SKIP = "skip";
const UI = "ui";
const CHART = "chart"; // in an svg (Fava's charts) or a chart tooltip
const Y_AXIS = "y-axis";
const FLAG = "flag"; // the journal's entry type column
const UNTOUCHABLE = "script, style, textarea, .cm-content, .cm-tooltip"; // typed text, the editor's text and completions
const EDITOR_PLACEHOLDER = ".cm-placeholder"; // but the editor's placeholder (CodeMirror ignores it)

const TRANSLATE = {
  [UI]: phrase,
  [CHART]: (text) => chartNumbers(chartDate(phrase(text))),
  [Y_AXIS]: axisNumber,
  [FLAG]: journalFlag,
  [SKIP]: (text) => text,
};
const ATTRIBUTES = ["placeholder", "title", "aria-label"];
const WITH_ATTRIBUTES = ATTRIBUTES.map((name) => `[${name}]`).join(", ");

function contextOf(element) {
  if (!element) return SKIP;
  if (element.closest(EDITOR_PLACEHOLDER)) return UI;
  if (element.closest(UNTOUCHABLE)) return SKIP;
  if (element.closest("svg g.y")) return Y_AXIS;
  if (element.closest("svg, .tooltip")) return CHART;
  if (element.closest(".journal .flag")) return FLAG;
  return UI;
}

// Most texts on a page are the ledger's own (a journal has 100 000): only these few are looked
// at again, with where they sit.
const CHART_LIKE = new RegExp(`\\d[.%]|\\d[${Object.keys(SI).join("")}]$|\\d (AM|PM)$|\\b(${Object.keys(NAMES).join("|")})\\b`);
function candidate(text) {
  const core = text.trim();
  return core !== "" && (Object.hasOwn(PHRASES, core) || Object.hasOwn(JOURNAL_FLAGS, core)
    || PATTERNS.some(([pattern]) => pattern.test(core)) || CHART_LIKE.test(core));
}

function fixText(node) {
  const text = node.data;
  if (!candidate(text)) return;
  const swedish = TRANSLATE[contextOf(node.parentElement)](text);
  if (swedish !== text) node.data = swedish;
}

function fixAttribute(element, name) {
  const value = element.getAttribute(name);
  if (value === null) return;
  const swedish = phrase(value);
  if (swedish !== value && (!element.closest(UNTOUCHABLE) || element.closest(EDITOR_PLACEHOLDER))) {
    element.setAttribute(name, swedish);
  }
}

/** Translate `node` and everything under it. */
export function translate(node) {
  if (node.nodeType === Node.TEXT_NODE) {
    fixText(node);
  } else if (node.nodeType === Node.ELEMENT_NODE) {
    const texts = node.ownerDocument.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode()) fixText(text);
    const elements = node.querySelectorAll(WITH_ATTRIBUTES);
    for (const element of node.matches(WITH_ATTRIBUTES) ? [node, ...elements] : elements) {
      for (const name of ATTRIBUTES) fixAttribute(element, name);
    }
  }
}

function hideReports(doc) {
  const links = HIDDEN_REPORTS.map((report) => `a[href*="/${report}/"]`);
  const style = doc.createElement("style");
  style.dataset.namndbok = "svenska";
  style.textContent = `${links.flatMap((a) => [`aside ${a}`, `aside li:has(> ${a})`]).join(",\n")}`
    + " { display: none !important; }";
  // A Swedish y-axis tick ("−80,0 mn") is wider than the English one d3 made room for ("−80.0M"):
  // it may reach into the article's padding rather than be cut ("80,0" read as "30,0").
  style.textContent += "\narticle svg:has(g.y) { overflow: visible; }";
  doc.head.append(style);
}

const installed = new WeakSet();

/** Fava in Swedish in `doc`, now and after: safe to call on every page load (installs once). */
export function svenska(doc = document) {
  if (installed.has(doc)) return;
  installed.add(doc);
  hideReports(doc);
  translate(doc.body);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "childList") {
        for (const node of record.addedNodes) if (node.isConnected) translate(node);
      } else if (record.type === "characterData") {
        fixText(record.target);
      } else {
        fixAttribute(record.target, record.attributeName);
      }
    }
    observer.takeRecords(); // our own edits above: already Swedish, nothing to do again
  });
  observer.observe(doc.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
}
