// Start the NHS.UK frontend components (header menu, buttons, error summary...).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'

initAll()

// A table or region that scrolls sideways is reachable from the keyboard and named for a screen reader.
for (const box of document.querySelectorAll('main table, .vigil-scroll-x')) {
  if (box.scrollWidth > box.clientWidth && !box.hasAttribute('tabindex')) {
    const caption = box.querySelector('caption')
    box.setAttribute('tabindex', '0')
    if (box.tagName !== 'TABLE') box.setAttribute('role', 'region')
    if (!box.hasAttribute('aria-label')) box.setAttribute('aria-label', `${caption ? caption.textContent.trim() : 'Table'} (scrolls sideways)`)
  }
}
