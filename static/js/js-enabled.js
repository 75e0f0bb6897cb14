// Loaded (not deferred) at the top of <body>, as GOV.UK Frontend asks, so pages styled for
// JavaScript do not flash; a file rather than an inline script so the CSP forbids every inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')
