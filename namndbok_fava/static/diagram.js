// Our charts: every <div class="namndbok-diagram" data-figur="JSON"> on the page, drawn with plotly.js.
// The server computes each figure whole (namndbok_fava/charts.py: data, layout and config, every text
// already Swedish); this module only loads plotly.js once and draws. plotly.min.js is a UMD script,
// not an ES module, so it is added as a <script> and sets window.Plotly.

let loading = null;

/** window.Plotly, loading plotly.min.js (from the extension, `url`) the first time. */
function plotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        loading = null;
        reject(new Error(`Nämndbok: diagrammen kunde inte laddas (${url}).`));
      };
      document.head.append(script);
    });
  }
  return loading;
}

/** Draw one figure into its div; a bar whose customdata carries a link opens it on a click. */
async function draw(Plotly, div) {
  const figure = JSON.parse(div.dataset.figur);
  // The page's text colour (Fava's light or dark scheme) for the chart's texts.
  const layout = { ...figure.layout, font: { ...figure.layout.font, color: getComputedStyle(div).color } };
  await Plotly.newPlot(div, figure.data, layout, figure.config);
  div.dataset.ritat = "ja";
  div.on("plotly_click", (event) => {
    const point = event.points && event.points[0];
    const url = point && Array.isArray(point.customdata) ? point.customdata[1] : null;
    if (url) window.location.assign(url);
  });
}

/** Draw every chart under `root` not drawn yet; `staticUrl(name)` is where our files are served. */
export async function drawAll(root, staticUrl) {
  const divs = Array.from(root.querySelectorAll("div.namndbok-diagram:not([data-ritat])"));
  if (divs.length === 0) return;
  const Plotly = await plotly(staticUrl("plotly.min.js"));
  await Promise.all(divs.map((div) => draw(Plotly, div)));
}
