// Loaded at the top of <body>, before it is painted, so NHS.UK components style for JavaScript at once.
// A file, not an inline script, so the Content Security Policy can forbid inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
