// Breach request form: show the cap in force and how far the proposed rate is over it, as the user
// types. Progressive enhancement: without JavaScript the same figures appear on "Check your answers".
const form = document.querySelector('[data-module="app-breach-cap"]')

if (form) {
  const field = (name) => form.querySelector(`[name="${name}"]`)
  const checked = (name) => (form.querySelector(`[name="${name}"]:checked`) || {}).value || ''
  // The contract start is a GOV.UK date input (day, month and year boxes); the cap page wants YYYY-MM-DD.
  const startDate = () => {
    const [day, month, year] = ['day', 'month', 'year'].map((part) => field(`contract_start_${part}`).value.trim())
    if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return ''
    const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)))
    if (date.getUTCDate() !== Number(day) || date.getUTCMonth() !== Number(month) - 1) return ''
    return date.toISOString().slice(0, 10)
  }
  const box = document.getElementById('cap-figures')
  const text = box.querySelector('[data-cap-text]')
  let cap = null
  let pending = null

  const render = () => {
    if (!cap) { box.hidden = true; return }
    box.hidden = false
    if (cap.cap === null) { text.textContent = cap.message; return }
    const allowed = Number(cap.allowed_rate)
    const rate = Number(field('proposed_rate').value)
    const limit = cap.exemption ? `Your exemption allows £${cap.allowed_rate} an hour (cap £${cap.cap}).` : `The cap in force is £${cap.cap} an hour.`
    if (!rate || Number.isNaN(rate)) { text.textContent = limit; return }
    const over = rate - allowed
    text.textContent = over > 0
      ? `${limit} £${rate.toFixed(2)} is £${over.toFixed(2)} (${(over * 100 / allowed).toFixed(1)}%) over it.`
      : `${limit} £${rate.toFixed(2)} is not above it, so this is not a breach.`
  }

  const fetchCap = () => {
    const params = new URLSearchParams({
      local_authority: field('local_authority').value,
      role_grade: field('role_grade').value,
      contract_start: startDate(),
      engagement_type: checked('engagement_type')
    })
    if (!params.get('local_authority') || !params.get('role_grade') || !params.get('contract_start')) {
      cap = null; render(); return
    }
    if (pending) pending.abort()
    pending = new AbortController()
    fetch(`${form.dataset.capUrl}?${params}`, { signal: pending.signal, credentials: 'same-origin' })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => { cap = body; render() })
      .catch(() => {})
  }

  form.addEventListener('change', (event) => {
    const watched = ['local_authority', 'role_grade', 'engagement_type']
    if (watched.includes(event.target.name) || event.target.name.startsWith('contract_start_')) fetchCap()
  })
  field('proposed_rate').addEventListener('input', render)
  fetchCap()
}
