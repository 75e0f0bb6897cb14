// Benchmarking dashboards: draw each chart with plotly.js (static/build/plotly.min.js, loaded before
// this module) from the JSON data island the page renders beside it (Django's json_script), so no
// inline script is needed under the Content-Security-Policy. The same figures are in the table
// beside each chart; a blank (or suppressed, "[c]") figure is a gap in the line or a missing bar.
const FORMATS = {
  money: { tickprefix: '£', hoverformat: ',.2f', rangemode: 'tozero' },
  percent: { tickformat: '.0%', hoverformat: '.1%', rangemode: 'tozero' },
  number: { tickformat: ',d', rangemode: 'tozero' }
}
const COLOURS = ['#1d70b8', '#d4351c', '#00703c', '#505a5f', '#f47738', '#4c2c92']

const trace = (spec, series, index) => {
  const colour = COLOURS[index % COLOURS.length]
  if (spec.kind === 'bar' && !series.markers) {
    return { type: 'bar', name: series.name, x: spec.x, y: series.y, marker: { color: colour } }
  }
  return {
    type: 'scatter',
    mode: series.markers ? 'markers' : 'lines+markers',
    name: series.name,
    x: spec.x,
    y: series.y,
    connectgaps: false,
    line: { color: colour, dash: series.dash ? 'dash' : 'solid' },
    marker: { color: colour, size: series.markers ? 12 : 7, symbol: series.markers ? 'line-ew-open' : 'circle' }
  }
}

document.querySelectorAll('[data-module="app-chart"]').forEach((element) => {
  const island = document.getElementById(element.dataset.chartData)
  if (!island || typeof window.Plotly === 'undefined') return
  const spec = JSON.parse(island.textContent)
  const layout = {
    margin: { t: 10, r: 10, b: 80, l: 60 },
    xaxis: { type: 'category', automargin: true },
    yaxis: { ...(FORMATS[spec.y_format] || FORMATS.number), automargin: true },
    legend: { orientation: 'h', y: -0.3 },
    barmode: 'group',
    font: { family: 'arial, sans-serif', size: 14, color: '#0b0c0c' }
  }
  window.Plotly.newPlot(element, spec.series.map((s, i) => trace(spec, s, i)), layout, {
    displayModeBar: false,
    responsive: true
  }).then(() => { element.dataset.drawn = 'yes' })
})
