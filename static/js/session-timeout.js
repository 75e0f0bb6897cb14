// "You're about to be signed out": a signed-in session ends after a time doing nothing (the server
// decides; see riia.middleware.SessionIdleTimeoutMiddleware). A few minutes before, this opens the
// dialog in templates/base.html. "Stay signed in" (or Escape) asks the server to restart the idle
// time; doing nothing until the end takes the person to the sign-in page, which says why.
const dialog = document.querySelector('[data-module="app-session-timeout"]')

if (dialog && typeof dialog.showModal === 'function') {
  const warnBefore = Number(dialog.dataset.warnBefore) * 1000
  const countdown = dialog.querySelector('[data-countdown]')
  const token = dialog.querySelector('input[name="csrfmiddlewaretoken"]').value
  let deadline = 0
  let warnTimer = null
  let tick = null

  const inWords = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000))
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60)
      return `${minutes} minute${minutes === 1 ? '' : 's'}`
    }
    return `${seconds} second${seconds === 1 ? '' : 's'}`
  }

  const signedOut = () => {
    const next = encodeURIComponent(window.location.pathname + window.location.search)
    window.location.assign(`${dialog.dataset.signedOutUrl}&next=${next}`)
  }

  const update = () => {
    const left = deadline - Date.now()
    if (left <= 0) { signedOut(); return }
    countdown.textContent = inWords(left)
  }

  const warn = () => {
    update()
    if (!dialog.open) dialog.showModal()
    clearInterval(tick)
    tick = setInterval(update, 1000)
  }

  const start = (expiresInSeconds) => {
    deadline = Date.now() + expiresInSeconds * 1000
    clearTimeout(warnTimer)
    clearInterval(tick)
    warnTimer = setTimeout(warn, Math.max(0, deadline - warnBefore - Date.now()))
  }

  const stay = () => {
    fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual', // signed out already: the server redirects to sign in, which is a failure here
      headers: { 'X-CSRFToken': token, Accept: 'application/json' }
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((body) => {
        dialog.close()
        start(body.expires_in)
      })
      .catch(signedOut)
  }

  dialog.querySelector('[data-keep-alive]').addEventListener('click', stay)
  // Escape closes a modal dialog; here it means "stay signed in", as the button does.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay()
  })
  start(Number(dialog.dataset.expiresIn))
}
