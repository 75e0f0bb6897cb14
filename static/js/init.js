import { initAll } from '../build/govuk-frontend.min.js'

initAll()

// "Print this page" links: a link, not a button, so that it reads the same as on GOV.UK; hidden in print.
for (const link of document.querySelectorAll('[data-module="app-print"]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault()
    window.print()
  })
}
